// Source: go-gitea/gitea routers/web/healthcheck/check.go (pretty-printed JSON, 200 pass / 424 fail,
// "database:ping" and "cache:ping" checks), routers/api/v1 GET /version → {"version"}, and the API's
// NotFound JSON (services/context/api.go).
import { html, isRead, json, pathOf } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

const VERSION = '1.22.3';
const DESCRIPTION = 'Gitea: Git with a cup of tea';

function healthz(dbUp: boolean): ProductAnswer {
  const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const status = dbUp ? 'pass' : 'fail';
  const body = { status, description: DESCRIPTION, checks: { 'cache:ping': [{ status: 'pass', time }], 'database:ping': [{ status, time }] } };
  return { status: dbUp ? 200 : 424, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body, null, 2) };
}

function page(status: number, title: string, main: string): ProductAnswer {
  return html(status, `<!DOCTYPE html>\n<html lang="en-US" data-theme="gitea-auto">\n<head>\n\t<meta charset="utf-8">\n\t<title>${title}</title>\n</head>\n<body>\n\t<div class="full height">${main}</div>\n</body>\n</html>\n`);
}

function handle(req: ProductRequest, ctx: ProductContext): ProductAnswer {
  const path = pathOf(req);
  if (path === '/api/healthz') return healthz(ctx.state.ready);
  if (path.startsWith('/api/v1/')) {
    if (path === '/api/v1/version' && isRead(req)) return json(200, { version: VERSION });
    return json(404, { errors: [], message: 'The target couldn\'t be found.', url: `https://gitea.${ctx.sovereign}/api/swagger` });
  }
  if (path === '/' && isRead(req)) return page(200, DESCRIPTION, '<div class="page-content home"><h1 class="ui icon header title">Gitea</h1></div>');
  return page(404, `Page Not Found - ${DESCRIPTION}`, '<div class="page-content status-page-error"><p>The page you are trying to reach either does not exist or you are not authorized to view it.</p></div>');
}

export const gitea: ProductModel = {
  product: 'gitea',
  component: 'gitea',
  ports: [3000],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle,
};
