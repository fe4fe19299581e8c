/**
 * Host + path routing for the front door: a host pattern is exact (`console.sim.x`) or a
 * wildcard (`*.homes.x`, any depth below the suffix); an exact host beats any wildcard and a
 * longer wildcard suffix beats a shorter one. Within a host, the longest matching path prefix
 * wins and a route without paths is the host's fallback.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostHandler } from '../context.js';

interface HostRoutes {
  prefixes: { prefix: string; handler: HostHandler }[];
  fallback?: HostHandler;
}

export type RouteMatch = { kind: 'route'; handler: HostHandler } | { kind: 'no-path' } | { kind: 'no-host' };

function normaliseHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

function pathMatches(prefix: string, path: string): boolean {
  if (prefix === '/' || prefix === path) return true;
  return prefix.endsWith('/') ? path.startsWith(prefix) : path.startsWith(`${prefix}/`);
}

export class RouteTable {
  private readonly hosts = new Map<string, HostRoutes>();

  add(hostPattern: string, handler: HostHandler, paths?: readonly string[]): void {
    const key = normaliseHost(hostPattern);
    if (key.includes('*') && !/^\*\.[^*]+$/.test(key)) throw new Error(`unsupported host pattern "${hostPattern}" (use an exact host or *.suffix)`);
    const routes = this.hosts.get(key) ?? { prefixes: [] };
    if (!paths?.length) routes.fallback = handler;
    for (const raw of paths ?? []) {
      const prefix = raw.startsWith('/') ? raw : `/${raw}`;
      routes.prefixes = routes.prefixes.filter((p) => p.prefix !== prefix);
      routes.prefixes.push({ prefix, handler });
      routes.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    }
    this.hosts.set(key, routes);
  }

  /** Host patterns that could serve `host`, most specific first. */
  private candidates(host: string): HostRoutes[] {
    const name = normaliseHost(host);
    const out: HostRoutes[] = [];
    const exact = this.hosts.get(name);
    if (exact) out.push(exact);
    const labels = name.split('.');
    for (let i = 1; i < labels.length; i++) {
      const wildcard = this.hosts.get(`*.${labels.slice(i).join('.')}`);
      if (wildcard) out.push(wildcard);
    }
    return out;
  }

  match(host: string, path: string): RouteMatch {
    const candidates = this.candidates(host);
    if (!candidates.length) return { kind: 'no-host' };
    for (const routes of candidates) {
      const hit = routes.prefixes.find((p) => pathMatches(p.prefix, path));
      if (hit) return { kind: 'route', handler: hit.handler };
      if (routes.fallback) return { kind: 'route', handler: routes.fallback };
    }
    return { kind: 'no-path' };
  }
}

/** Serves a request from the table: 421 for a host it does not know, 404 for a path it does not route. */
export function dispatch(routes: RouteTable, req: IncomingMessage, res: ServerResponse): void {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  const path = new URL(req.url ?? '/', 'https://route-table.invalid').pathname;
  const hit = routes.match(host, path);
  if (hit.kind !== 'route') {
    const [code, text] = hit.kind === 'no-host' ? [421, `misdirected request: no route for host "${host}"\n`] : [404, 'route not found\n'];
    res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' }).end(text);
    return;
  }
  Promise.resolve(hit.handler(req, res)).catch((err: unknown) => {
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`internal error: ${(err as Error)?.message ?? String(err)}\n`);
  });
}
