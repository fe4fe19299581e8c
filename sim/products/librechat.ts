// Source: danny-avila/LibreChat api/server/index.js: `app.get('/health', ...)` answers "OK"; the API
// routers are mounted under /api/<name> (auth, config, convos, ...; none is /api/health) and every
// path no router takes gets the SPA's index.html with no-cache headers. The server listens only once
// MongoDB is connected.
import { html, pathOf } from './answers.js';
import type { ProductAnswer, ProductModel, ProductRequest } from './types.js';

const INDEX = '<!DOCTYPE html>\n<html lang="en-US">\n  <head>\n    <meta charset="utf-8" />\n    <base href="/" />\n    <title>LibreChat</title>\n    <script type="module" crossorigin src="/assets/index-D3oG4Xl1.js"></script>\n  </head>\n  <body>\n    <div id="root"></div>\n  </body>\n</html>\n';

function handle(req: ProductRequest): ProductAnswer {
  if (req.method === 'GET' && pathOf(req) === '/health') return html(200, 'OK');
  return html(200, INDEX, { 'cache-control': 'no-cache, no-store, must-revalidate', pragma: 'no-cache', expires: '0' });
}

export const librechat: ProductModel = {
  product: 'librechat',
  component: 'librechat',
  ports: [3080],
  listensWhileNotReady: false,
  initialState: () => ({ ready: true }),
  handle,
};
