// Source: grafana/grafana pkg/api/health.go (GET /api/health: {commit, database, version}, database
// "failing" with 503 when the SQL store does not answer), the API's 404 {"message":"Not found"} and
// the `/` → 302 /login redirect of an anonymous session.
import { html, isRead, json, pathOf, redirect } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

const VERSION = '11.3.0';
const COMMIT = 'd9455ff7db73b694db7d412e49a68bec767f2b5a';

function handle(req: ProductRequest, ctx: ProductContext): ProductAnswer {
  const path = pathOf(req);
  if (path === '/api/health' && isRead(req)) {
    const ok = ctx.state.ready;
    return json(ok ? 200 : 503, { commit: COMMIT, database: ok ? 'ok' : 'failing', version: VERSION }, { 'cache-control': 'no-store' });
  }
  if (path.startsWith('/api/')) return json(404, { message: 'Not found' });
  if (path === '/') return redirect(302, '/login', { 'cache-control': 'no-store' });
  if (path === '/login') return html(200, '<!DOCTYPE html>\n<html lang="en-US"><head><meta charset="utf-8"><title>Grafana</title></head><body class="theme-dark app-grafana"><div id="reactRoot"></div></body></html>\n');
  return html(404, '<!DOCTYPE html>\n<html lang="en-US"><head><meta charset="utf-8"><title>Grafana</title></head><body class="theme-dark app-grafana"><div class="page-not-found">Page not found</div></body></html>\n');
}

export const grafana: ProductModel = {
  product: 'grafana',
  component: 'grafana',
  ports: [3000],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle,
};
