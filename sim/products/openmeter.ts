// Source: openmeterio/openmeter deploy/charts/openmeter/templates/deployment.yaml (the api container:
// `--address 0.0.0.0:80 --telemetry-address 0.0.0.0:10000`, probes GET /healthz/live and
// /healthz/ready on the telemetry port) and api/openapi.yaml (the API under /api/v1: meters, events,
// ...; no health route, so a 404 problem document). openova-io/openova platform/openmeter/chart/
// values.yaml ships no ClickHouse: on such a Sovereign the pods crash-loop and nothing listens.
import { json, pathOf } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

const problem = (status: number, title: string, instance: string): ProductAnswer =>
  json(status, { type: 'about:blank', title, status, instance }, { 'content-type': 'application/problem+json' });

function telemetry(path: string): ProductAnswer {
  if (path === '/healthz/live' || path === '/healthz/ready') return json(200, {});
  return problem(404, 'Not Found', path);
}

function handle(req: ProductRequest, ctx: ProductContext): ProductAnswer {
  const path = pathOf(req);
  if (ctx.port === 10000) return telemetry(path);
  if (path === '/api/v1/meters' && req.method === 'GET') return json(200, []);
  return problem(404, 'Not Found', path);
}

export const openmeter: ProductModel = {
  product: 'openmeter',
  component: 'openmeter',
  workload: /(^|-)api(-|$)/,
  ports: [80, 10000],
  listensWhileNotReady: false,
  initialState: () => ({ ready: true }),
  handle,
};
