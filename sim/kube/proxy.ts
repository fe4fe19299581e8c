import type { IncomingMessage, ServerResponse } from 'node:http';
import { StoreError } from './errors.js';
import { readBody } from './http.js';

export interface ServiceProxyRequest {
  namespace: string;
  service: string;
  port?: string;
  /** Path below `.../proxy`, always starting with `/`, including any query string. */
  path: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ServiceProxyResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export type ServiceProxyHandler = (req: ServiceProxyRequest) => Promise<ServiceProxyResponse>;

/** Headers meant for the apiserver itself, never forwarded to the service. */
const HOP_HEADERS = new Set(['authorization', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host']);

/** Splits the `[scheme:]name[:port]` service reference of a proxy URL. */
function parseServiceRef(ref: string): { service: string; port?: string } {
  const parts = ref.split(':');
  if (parts.length === 3) return { service: parts[1], ...(parts[2] ? { port: parts[2] } : {}) };
  if (parts.length === 2) return { service: parts[0], ...(parts[1] ? { port: parts[1] } : {}) };
  return { service: ref };
}

export async function serveServiceProxy(
  handler: ServiceProxyHandler | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  target: { namespace: string; serviceRef: string; subpath: string; search: string },
): Promise<void> {
  const { service, port } = parseServiceRef(target.serviceRef);
  if (!handler) {
    throw new StoreError(503, 'ServiceUnavailable', `no endpoints available for service "${service}"`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const answer = await handler({
    namespace: target.namespace,
    service,
    ...(port ? { port } : {}),
    path: target.subpath + target.search,
    method: req.method ?? 'GET',
    headers,
    body: await readBody(req),
  });
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
  const responseHeaders = Object.fromEntries(
    Object.entries(answer.headers ?? {}).filter(([name]) => !/^(content-length|transfer-encoding|connection)$/i.test(name)),
  );
  res.writeHead(answer.status, { ...responseHeaders, 'Content-Length': body.length });
  res.end(body);
}
