/**
 * The world's application backends: what the platform modules serve (the console's pages and
 * APIs as the journeys render them, the deployment record, the registry's data) on one internal
 * HTTP listener, dispatched by Host like the front door's fallback. Products that proxy (the
 * console's nginx, catalyst-api, Harbor's core, the WAF) forward here as their next hop.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import type { ProductAnswer, ProductRequest } from '../products/types.js';
import type { RouteTable } from './route-table.js';
import { dispatch } from './route-table.js';

export interface Backends {
  port: number;
  /** Forwards a product's request here (its Host header picks the backend). */
  forward(req: ProductRequest): Promise<ProductAnswer>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length']);

export async function forwardHttp(address: string, port: number, req: ProductRequest): Promise<ProductAnswer> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const res = await request(`http://${address}:${port}${req.path}`, { method: req.method as 'GET', headers, body: req.body.length ? req.body : undefined, headersTimeout: 30_000, bodyTimeout: 60_000 });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return { status: res.statusCode, headers: out, body: Buffer.from(await res.body.arrayBuffer()) };
}

export async function startBackends(routes: RouteTable): Promise<Backends> {
  const server: Server = createServer((req, res) => dispatch(routes, req, res));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    forward: (req) => forwardHttp('127.0.0.1', port, req),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
