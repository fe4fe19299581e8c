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
  /** Where a mothership host answers (its own public address on the world network, or a loopback port). */
  addressOf(host: string): { address: string; port: number };
  /** Requests each host answered (the cutover evidence counts what reached the mothership). */
  hits: Map<string, number>;
  route(host: string, handler: Handler): void;
  close(): Promise<void>;
}

/**
 * `addresses`: one address per host (each on port 443, a host of its own), or none: every host on
 * one loopback port.
 */
export async function startMothership(publicCa: SimCa, addresses?: Record<string, string>): Promise<Mothership> {
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
  const servers: Server[] = [server];
  const where = new Map<string, { address: string; port: number }>();
  if (addresses) {
    const handler = server.listeners('request')[0] as Parameters<typeof createServer>[1];
    for (const [i, host] of MOTHERSHIP_HOSTS.entries()) {
      const s = i === 0 ? server : createServer({ SNICallback: (name, cb) => cb(null, contexts.get(name.toLowerCase()) ?? contexts.get(host)) }, handler);
      if (i > 0) {
        s.on('connection', (c: Socket) => {
          sockets.add(c);
          c.on('close', () => sockets.delete(c));
        });
        s.on('tlsClientError', () => {});
        servers.push(s);
      }
      await new Promise<void>((resolve) => s.listen(443, addresses[host], resolve));
      where.set(host, { address: addresses[host], port: 443 });
    }
  } else {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    for (const host of MOTHERSHIP_HOSTS) where.set(host, { address: '127.0.0.1', port });
  }
  return {
    addressOf: (host) => where.get(host)!,
    hits,
    route: (host, handler) => handlers.set(host, handler),
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
