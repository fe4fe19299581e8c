// Source: goharbor/harbor api/v2.0/swagger.yaml (GET /health → OverallHealthStatus {status, components
// [{name, status, error}]}, always 200; GET /ping → "Pong"), the registry's token challenge on /v2/
// proxied by core, and the portal's nginx serving the Angular shell for every other path.
import { html, isRead, json, nginxError, pathOf, text } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

const COMPONENTS = ['core', 'database', 'jobservice', 'portal', 'redis', 'registry', 'registryctl', 'trivy'];

/** Not ready: core cannot reach its PostgreSQL (CNPG), which Harbor reports in the body, not the status. */
function health(ready: boolean): ProductAnswer {
  const components = COMPONENTS.map((name) =>
    name === 'database' && !ready ? { name, status: 'unhealthy', error: 'failed to connect to `host=bp-harbor-pg-rw user=harbor database=registry`: dial error (dial tcp: connect: connection refused)' } : { name, status: 'healthy' },
  );
  return json(200, { status: ready ? 'healthy' : 'unhealthy', components });
}

function core(req: ProductRequest, ctx: ProductContext): ProductAnswer | Promise<ProductAnswer> {
  const path = pathOf(req);
  if (path === '/api/v2.0/health' && isRead(req)) return health(ctx.state.ready);
  if (path === '/api/v2.0/ping' && isRead(req)) return text(200, 'Pong');
  // Core proxies the registry's API and its token service to the registry it fronts.
  if (ctx.upstream && (path.startsWith('/v2/') || path === '/v2' || path === '/service/token')) return ctx.upstream(req);
  if (path === '/v2/' || path === '/v2') {
    return json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized: unauthorized' }] }, {
      'www-authenticate': `Bearer realm="https://registry.${ctx.sovereign}/service/token",service="harbor-registry"`,
      'docker-distribution-api-version': 'registry/2.0',
    });
  }
  return json(404, { errors: [{ code: 'NOT_FOUND', message: `the requested resource ${path} was not found` }] });
}

function portal(req: ProductRequest): ProductAnswer {
  if (!isRead(req)) return nginxError(405);
  return html(200, '<!doctype html>\n<html>\n<head>\n  <meta charset="utf-8">\n  <title>Harbor</title>\n  <base href="/">\n</head>\n<body>\n  <harbor-app>\n    <div class="spinner spinner-lg app-loading app-loading-fixed">Loading...</div>\n  </harbor-app>\n</body>\n</html>\n');
}

export const harborCore: ProductModel = {
  product: 'harbor-core',
  component: 'harbor',
  workload: /(^|-)core(-|$)/,
  ports: [8080],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle: core,
};

export const harborPortal: ProductModel = {
  product: 'harbor-portal',
  component: 'harbor',
  workload: /(^|-)portal(-|$)/,
  ports: [8080],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle: portal,
};
