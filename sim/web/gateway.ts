/**
 * The data path of the Sovereign's Gateway (Cilium's Envoy): a request for a host is matched
 * against the HTTPRoutes attached to the region's Gateways (hostnames, longest PathPrefix), and
 * proxied to a ready endpoint of the backend Service, i.e. to the product running on a pod IP. A
 * route whose backend has no ready endpoint answers as Envoy does: 503 "no healthy upstream".
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Informer, KubeObject } from '../kube-client/api.js';
import type { ClusterDns } from '../world/cluster-dns.js';

interface RouteRule {
  matches?: { path?: { type?: string; value?: string } }[];
  backendRefs?: { name: string; namespace?: string; port?: number; weight?: number }[];
}

export interface GatewayBackend {
  route: KubeObject;
  service: { namespace: string; name: string; port: number };
  prefix: string;
}

function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  return p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : p === host;
}

function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '/' || prefix === path) return true;
  return path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

export class GatewayRoutes {
  constructor(private readonly routes: Informer, private readonly dns: ClusterDns) {}

  /** The backend a request for `host` + `path` goes to, or undefined when no route matches. */
  match(host: string, path: string): GatewayBackend | undefined {
    let best: GatewayBackend | undefined;
    const h = host.toLowerCase();
    for (const route of this.routes.list()) {
      const spec = route.spec as { hostnames?: string[]; rules?: RouteRule[] } | undefined;
      if (!(spec?.hostnames ?? []).some((p) => hostMatches(p, h))) continue;
      for (const rule of spec?.rules ?? []) {
        const backend = (rule.backendRefs ?? []).find((b) => (b.weight ?? 1) > 0);
        if (!backend?.port) continue;
        for (const m of rule.matches?.length ? rule.matches : [{ path: { value: '/' } }]) {
          const prefix = m.path?.value ?? '/';
          if (!prefixMatches(prefix, path) || (best && best.prefix.length >= prefix.length)) continue;
          best = { route, prefix, service: { namespace: backend.namespace ?? route.metadata.namespace!, name: backend.name, port: backend.port } };
        }
      }
    }
    return best;
  }

  /** Proxies the request to the backend's ready endpoint (or answers Envoy's 503). */
  proxy(backend: GatewayBackend, req: IncomingMessage, res: ServerResponse): void {
    const target = this.dns.resolve(`${backend.service.name}.${backend.service.namespace}.svc`, backend.service.port);
    if (!target) {
      req.resume();
      res.writeHead(503, { 'content-type': 'text/plain', server: 'envoy' }).end('no healthy upstream');
      return;
    }
    const upstream = httpRequest({ host: target.address, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-proto': 'https' } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain', server: 'envoy' });
      res.end('upstream connect error or disconnect/reset before headers. reset reason: connection failure');
    });
    req.pipe(upstream);
  }
}
