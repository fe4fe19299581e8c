/** Answer builders and the stock error pages of the servers the products are built on. */
import type { ProductAnswer, ProductRequest } from './types.js';

export function answer(status: number, contentType: string | undefined, body: string | Buffer, headers: Record<string, string> = {}): ProductAnswer {
  return { status, headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers }, body };
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): ProductAnswer {
  return answer(status, 'application/json', JSON.stringify(value), headers);
}

export function text(status: number, body: string, headers: Record<string, string> = {}): ProductAnswer {
  return answer(status, 'text/plain; charset=utf-8', body, headers);
}

export function html(status: number, body: string, headers: Record<string, string> = {}): ProductAnswer {
  return answer(status, 'text/html; charset=utf-8', body, headers);
}

export function redirect(status: number, location: string, headers: Record<string, string> = {}): ProductAnswer {
  return answer(status, undefined, '', { location, ...headers });
}

/** Go's `http.Error(w, msg, code)`: the message plus a newline, never sniffed. */
export function goError(status: number, message: string): ProductAnswer {
  return text(status, `${message}\n`, { 'x-content-type-options': 'nosniff' });
}

/** Go net/http's and gorilla/mux's and chi's default 404. */
export function goNotFound(): ProductAnswer {
  return goError(404, '404 page not found');
}

/** FastAPI (Starlette) for a route that does not exist. */
export function fastApiNotFound(): ProductAnswer {
  return json(404, { detail: 'Not Found' });
}

export function fastApiMethodNotAllowed(allow: string): ProductAnswer {
  return json(405, { detail: 'Method Not Allowed' }, { allow });
}

const NGINX_REASONS: Record<number, string> = { 404: 'Not Found', 405: 'Not Allowed', 502: 'Bad Gateway' };

/** nginx's built-in error page. */
export function nginxError(status: number): ProductAnswer {
  const title = `${status} ${NGINX_REASONS[status] ?? ''}`.trim();
  return html(status, `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`, { server: 'nginx' });
}

export function pathOf(req: ProductRequest): string {
  return new URL(req.path, 'http://product.invalid').pathname;
}

export function queryOf(req: ProductRequest): URLSearchParams {
  return new URL(req.path, 'http://product.invalid').searchParams;
}

export function header(req: ProductRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

export const isRead = (req: ProductRequest): boolean => req.method === 'GET' || req.method === 'HEAD';
