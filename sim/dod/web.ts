/**
 * The public hosts of a healthy Sovereign as the Gateway routes them: the console and
 * marketplace SPA shells with their hashed bundles, catalyst-api's liveness, Keycloak's root
 * redirect, Gitea, Harbor's registry API auth wall, OpenBao's UI redirect and the PowerDNS API.
 * Paths other sim modules register on the same hosts (journeys' pages, APIs) win by being longer.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostHandler, SimContext } from '../context.js';

export const SERVED_HOSTS = ['console', 'api', 'auth', 'gitea', 'registry', 'bao', 'marketplace', 'pdns'] as const;
export const BUNDLE_SURFACES = ['console', 'marketplace'] as const;
export type BundleSurface = (typeof BUNDLE_SURFACES)[number];

/** What a franchised bundle must never carry; the forbidden-literal fault plants it. */
export const MOTHERSHIP_NOVA_URL = 'https://console.openova.io/nova';

interface Asset {
  type: string;
  body: string;
}

interface Site {
  html: string;
  assets: Map<string, Asset>;
}

type Reply = { status: number; headers?: Record<string, string>; body?: string };

function send(res: ServerResponse, r: Reply, head: boolean): void {
  const body = r.body ?? '';
  res.writeHead(r.status, { 'content-length': String(Buffer.byteLength(body)), ...r.headers });
  res.end(head ? undefined : body);
}

/** A handler for GET/HEAD that maps a path to a reply (undefined → 404). */
function serve(reply: (path: string) => Reply | undefined, notFound: Reply): HostHandler {
  return (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return send(res, { status: 405, headers: { allow: 'GET, HEAD' } }, false);
    const path = new URL(req.url ?? '/', 'https://sim.invalid').pathname;
    send(res, reply(path) ?? notFound, method === 'HEAD');
  };
}

const html = (body: string): Reply => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body });
const json = (status: number, value: unknown, headers: Record<string, string> = {}): Reply => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) });
const TEXT_404: Reply = { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '404 page not found\n' };

/** Vite/Astro-style content hash: 8 characters of base64url. */
function contentHash(body: string): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 8);
}

/** The SPA shell and its bundles; with `plantForbidden` the entry bundle carries the mothership URL. */
export function buildSite(surface: BundleSurface, sovereign: string, plantForbidden: boolean): Site {
  const dir = surface === 'console' ? '/assets/' : '/_astro/';
  const vendor = `const SLOT_LABEL="catalyst.openova.io/slot",COMPONENT_LABEL="catalyst.openova.io/component";export function labelOf(o,k){return(o.metadata&&o.metadata.labels||{})[k]}export{SLOT_LABEL,COMPONENT_LABEL};\n`;
  const vendorPath = `${dir}vendor-${contentHash(vendor)}.js`;
  const entry =
    `import{labelOf as l,SLOT_LABEL as s}from"./${vendorPath.slice(dir.length)}";` +
    `const e={sovereign:"${sovereign}",api:"https://api.${sovereign}",auth:"https://auth.${sovereign}/realms/sovereign",marketplace:"https://marketplace.${sovereign}",console:"https://console.${sovereign}"};` +
    (plantForbidden ? `const n="${MOTHERSHIP_NOVA_URL}";e.upgrade=n;` : '') +
    `e.surface="${surface}";document.getElementById("app").dataset.sovereign=e.sovereign;window.__CATALYST__=Object.assign(e,{slotOf:o=>l(o,s)});\n`;
  const entryPath = `${dir}${surface === 'console' ? 'index' : 'hoisted'}-${contentHash(entry)}.js`;
  const css = 'body{margin:0;font-family:system-ui,sans-serif}#app{min-height:100vh}\n';
  const cssPath = `${dir}index-${contentHash(css)}.css`;
  const title = surface === 'console' ? 'Sovereign Console' : 'Marketplace';
  const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>${title} · ${sovereign}</title>
    <script type="module" crossorigin src="${entryPath}"></script>
    <link rel="modulepreload" crossorigin href="${vendorPath}">
    <link rel="stylesheet" crossorigin href="${cssPath}">
  </head>
  <body>
    <div id="app"></div>
  </body>
</html>
`;
  return {
    html: page,
    assets: new Map([
      [entryPath, { type: 'text/javascript', body: entry }],
      [vendorPath, { type: 'text/javascript', body: vendor }],
      [cssPath, { type: 'text/css', body: css }],
    ]),
  };
}

function siteHandler(site: Site): HostHandler {
  return serve((path) => {
    if (path === '/healthz') return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok\n' };
    if (path === '/' || path === '/index.html') return html(site.html);
    const asset = site.assets.get(path);
    return asset && { status: 200, headers: { 'content-type': asset.type, 'cache-control': 'public, max-age=31536000, immutable' }, body: asset.body };
  }, TEXT_404);
}

/** An Envoy answer for a route whose upstream is down. */
const BAD_GATEWAY: HostHandler = serve(() => undefined, { status: 502, headers: { 'content-type': 'text/plain' }, body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure\n' });

export interface DeploymentRecordRoute {
  id: string;
  token: string;
  document(): unknown;
}

/** Routes for every served host; `down` hosts answer 502 on every path but the record's. */
export function installWeb(ctx: SimContext, opts: { record: DeploymentRecordRoute; down: Set<string>; forbidden: Set<string> }): void {
  const sov = ctx.sovereign;
  const route = (host: string, handler: HostHandler, paths: string[]) => ctx.web.route(`${host}.${sov}`, opts.down.has(host) ? BAD_GATEWAY : handler, { paths });

  for (const surface of BUNDLE_SURFACES) {
    const site = buildSite(surface, sov, opts.forbidden.has(surface));
    route(surface, siteHandler(site), ['/']);
  }
  route('api', serve((p) => (p === '/healthz' ? json(200, { status: 'ok' }) : undefined), TEXT_404), ['/healthz']);
  ctx.web.route(`api.${sov}`, withBearer(opts.record.token, recordHandler(opts.record)), { paths: ['/api/v1/deployments/'] });
  route('auth', serve((p) => (p === '/' ? { status: 302, headers: { location: '/admin/' } } : p === '/admin/' ? html('<!doctype html><title>Keycloak Administration Console</title><div id="app"></div>') : undefined), TEXT_404), ['/']);
  route('gitea', serve((p) => (p === '/' ? html('<!doctype html><html><head><title>Gitea: Git with a cup of tea</title></head><body><div class="home"><h1>Gitea</h1></div></body></html>') : undefined), TEXT_404), ['/']);
  route(
    'registry',
    serve((p) => (p === '/' ? html('<!doctype html><html><head><title>Harbor</title></head><body><harbor-app></harbor-app></body></html>') : undefined), TEXT_404),
    ['/'],
  );
  route(
    'registry',
    serve(() => json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized to access repository: , action: : unauthorized to access repository: , action: ', detail: null }] }, {
      'www-authenticate': `Bearer realm="https://registry.${sov}/service/token",service="harbor-registry"`,
      'docker-distribution-api-version': 'registry/2.0',
    }), TEXT_404),
    ['/v2/'],
  );
  route(
    'bao',
    serve((p) => {
      if (p === '/') return { status: 307, headers: { location: '/ui/', 'cache-control': 'no-store' } };
      if (p === '/ui/') return html('<!doctype html><html><head><title>OpenBao</title></head><body class="vault"></body></html>');
      if (p === '/v1/sys/health') return json(200, { initialized: true, sealed: false, standby: false, performance_standby: false, version: '2.0.3' });
      return undefined;
    }, TEXT_404),
    ['/'],
  );
  route('pdns', serve(() => ({ status: 401, headers: { 'content-type': 'text/plain' }, body: 'Unauthorized' }), TEXT_404), ['/api/']);
}

/** `GET /api/v1/deployments/<id>` as the mothership's catalyst-api serves it (bearer token). */
function recordHandler(r: DeploymentRecordRoute): HostHandler {
  return serve((path) => {
    const id = path.slice('/api/v1/deployments/'.length);
    if (id !== r.id) return json(404, { error: 'deployment not found' });
    return json(200, r.document());
  }, TEXT_404);
}

function withBearer(token: string, handler: HostHandler): HostHandler {
  return (req, res) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (m?.[1] !== token) return send(res, json(401, { error: 'unauthorized' }), false);
    return handler(req, res);
  };
}
