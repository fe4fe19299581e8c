/**
 * The sim's HTTPS front door: one TLS listener on 127.0.0.1 that plays the Sovereign's
 * Gateway for every `https://<host>.<sov>` and `https://*.<pool>` URL, routed by Host header.
 * Names the default certificate does not cover (`console.<slug>.<pool>`) get a leaf from the
 * sim CA on demand, as cert-manager would issue one per route.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { HostHandler, SimWeb } from '../context.js';
import { issueLeaf, type SimCa } from '../pki/tls.js';
import type { GatewayRoutes } from './gateway.js';
import { dispatch, RouteTable } from './route-table.js';

export interface FrontDoor extends SimWeb {
  readonly address: string;
  /** The module routes (also served by the backends the proxying products forward to). */
  readonly routes: RouteTable;
  /** Routes by the region's HTTPRoutes first (the Gateway's data path); module routes serve what no route claims. */
  setGateway(gateway: GatewayRoutes): void;
  /** The Gateway's upstream for `host` fails (Envoy's 502 for a broken cluster), whatever serves it. */
  breakUpstream(host: string): void;
  close(): Promise<void>;
}

export interface FrontDoorOptions {
  certPem: string;
  keyPem: string;
  ca: SimCa;
  /** Domains (and their subdomains) the front door mints certificates for on demand. */
  domains: string[];
  /** Names the default certificate covers (exact or `*.suffix`, one label deep as TLS wildcards are). */
  certNames: string[];
  /** Where it listens: the world address and 443 when the regions are hosts of their own, else a loopback port. */
  address?: string;
  port?: number;
}

function covered(names: string[], host: string): boolean {
  return names.some((n) => (n.startsWith('*.') ? host.endsWith(n.slice(1)) && !host.slice(0, -n.length + 1).includes('.') : n === host));
}

export async function startFrontDoor(opts: FrontDoorOptions): Promise<FrontDoor> {
  const routes = new RouteTable();
  let gateway: GatewayRoutes | undefined;
  const broken = new Set<string>();
  const sockets = new Set<Socket>();
  let defaultContext = createSecureContext({ cert: opts.certPem, key: opts.keyPem });
  /** Set when a module replaced the certificate: every name then gets that one. */
  let replaced = false;
  const minted = new Map<string, Promise<SecureContext>>();

  const contextFor = (servername: string): Promise<SecureContext> | SecureContext => {
    const host = servername.toLowerCase();
    const ours = opts.domains.some((d) => host === d || host.endsWith(`.${d}`));
    if (replaced || !ours || covered(opts.certNames, host)) return defaultContext;
    let pending = minted.get(host);
    if (!pending) {
      pending = issueLeaf(opts.ca, [host]).then((leaf) => createSecureContext({ cert: leaf.certPem, key: leaf.keyPem }));
      minted.set(host, pending);
    }
    return pending;
  };

  const server: Server = createServer(
    {
      cert: opts.certPem,
      key: opts.keyPem,
      SNICallback: (servername, cb) => {
        Promise.resolve(contextFor(servername)).then(
          (ctx) => cb(null, ctx),
          (err: Error) => cb(err),
        );
      },
    },
    (req, res) => {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      const path = new URL(req.url ?? '/', 'https://front-door.invalid').pathname;
      if (broken.has(host.toLowerCase())) {
        req.resume();
        res.writeHead(502, { 'content-type': 'text/plain', server: 'envoy' }).end('upstream connect error or disconnect/reset before headers. reset reason: connection failure');
        return;
      }
      const backend = gateway?.match(host, path);
      if (backend) {
        gateway!.proxy(backend, req, res);
        return;
      }
      dispatch(routes, req, res);
    },
  );
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.address ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    address: opts.address ?? '127.0.0.1',
    routes,
    setGateway(g: GatewayRoutes) {
      gateway = g;
    },
    breakUpstream(host: string) {
      broken.add(host.toLowerCase());
    },
    route(host: string, handler: HostHandler, routeOpts?: { paths?: string[] }) {
      routes.add(host, handler, routeOpts?.paths);
    },
    setCertificate(certPem: string, keyPem: string) {
      defaultContext = createSecureContext({ cert: certPem, key: keyPem });
      replaced = true;
      server.setSecureContext({ cert: certPem, key: keyPem });
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
