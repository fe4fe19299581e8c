// Source: langfuse/langfuse web/src/pages/api/public/health.ts (`SELECT 1` through Prisma: 200
// {status: "OK", version} or 503 {status: "Database not available", version}); other paths are the
// Next.js 404 page.
import { html, json, pathOf } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

const VERSION = '3.29.1';

function handle(req: ProductRequest, ctx: ProductContext): ProductAnswer {
  if (pathOf(req) === '/api/public/health') {
    return ctx.state.ready ? json(200, { status: 'OK', version: VERSION }) : json(503, { status: 'Database not available', version: VERSION });
  }
  return html(404, '<!DOCTYPE html><html><head><meta charSet="utf-8"/><title>404: This page could not be found.</title></head><body><div id="__next"><h1 class="next-error-h1">404</h1><div><h2>This page could not be found.</h2></div></div></body></html>');
}

export const langfuse: ProductModel = {
  product: 'langfuse',
  component: 'langfuse',
  workload: /(^|-)web(-|$)/,
  ports: [3000],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle,
};
