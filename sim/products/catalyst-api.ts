// Source: openova-io/openova products/catalyst/bootstrap/api/cmd/api/main.go (chi router: GET /healthz,
// /readyz, /metrics, /api/v1/version; no /api/healthz route), internal/handler/health.go (text/plain
// "ok") and internal/handler/version.go (VersionResponse). chi answers unknown paths with Go's 404 and
// a known path with the wrong method with an empty 405.
import { goNotFound, json, pathOf, text } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

const STARTED = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function version(): ProductAnswer {
  const sha = '9c58d65d20ce45caf1342f0147de5632d163b478';
  return json(200, { service: 'catalyst-api', sha, gitSha: sha, version: '0.0.0', buildTime: STARTED, go: 'go1.24.4', buildTimeSource: 'process-start' });
}

const ROUTES: Record<string, () => ProductAnswer> = {
  // Liveness: 200 whenever the process serves HTTP (its readiness is /readyz, which the chart probes).
  '/healthz': () => text(200, 'ok', { 'content-type': 'text/plain' }),
  '/api/v1/version': version,
};

function handle(req: ProductRequest, ctx: ProductContext): ProductAnswer | Promise<ProductAnswer> {
  const route = ROUTES[pathOf(req)];
  // The routes of catalyst-api's handlers this world renders elsewhere (auth, vouchers, the deployment record).
  if (!route) return ctx.upstream ? ctx.upstream(req) : goNotFound();
  if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers: { allow: 'GET' }, body: '' };
  return route();
}

export const catalystApi: ProductModel = {
  product: 'catalyst-api',
  component: 'catalyst-platform',
  workload: /(^|-)api(-|$)/,
  ports: [8080],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle,
};
