/**
 * The mothership as the Sovereign's tethers see it: github.com (the platform's GitOps repository),
 * ghcr.io (its charts), harbor.openova.io, xpkg.upbound.io and console.openova.io, one HTTPS server
 * with a certificate per name from the stand-in public CA. Reached only through a region's egress
 * proxy, so a deny-egress policy really keeps the Sovereign's controllers away from it.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { issueLeaf, type SimCa } from '../pki/tls.js';

export const MOTHERSHIP_HOSTS = ['github.com', 'ghcr.io', 'harbor.openova.io', 'xpkg.upbound.io', 'console.openova.io', 'api.openova.io'] as const;

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Mothership {
  port: number;
  /** Requests each host answered (the cutover evidence counts what reached the mothership). */
  hits: Map<string, number>;
  route(host: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startMothership(publicCa: SimCa): Promise<Mothership> {
  const contexts = new Map<string, SecureContext>();
  for (const host of MOTHERSHIP_HOSTS) {
    const leaf = await issueLeaf(publicCa, [host]);
    contexts.set(host, createSecureContext({ cert: leaf.certPem, key: leaf.keyPem }));
  }
  const handlers = new Map<string, Handler>();
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server: Server = createServer({ SNICallback: (name, cb) => cb(null, contexts.get(name.toLowerCase()) ?? contexts.get('github.com')) }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    hits.set(host, (hits.get(host) ?? 0) + 1);
    const handler = handlers.get(host);
    if (!handler) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found\n');
      return;
    }
    handler(req, res);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    route: (host, handler) => handlers.set(host, handler),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
