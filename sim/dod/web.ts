/**
 * The mothership's deployment record of the Sovereign, served where catalyst-api answers it
 * (`GET https://api.<sov>/api/v1/deployments/<id>`, bearer token), and the two DoD faults that
 * touch what the public hosts serve: a host whose Gateway upstream is broken, and a console or
 * marketplace bundle that carries the mothership's URL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostHandler, SimContext } from '../context.js';
import type { CatalystWebState } from '../products/catalyst-web.js';

/** The hosts DoD L5 probes (the default table of src/suites/dod/https-hosts.ts). */
export const SERVED_HOSTS = ['console', 'api', 'auth', 'gitea', 'registry', 'bao', 'marketplace', 'pdns'] as const;
export const BUNDLE_SURFACES = ['console', 'marketplace'] as const;
export type BundleSurface = (typeof BUNDLE_SURFACES)[number];

/** What a franchised bundle must never carry; the forbidden-literal fault plants it. */
export const MOTHERSHIP_NOVA_URL = 'https://console.openova.io/nova';

export interface DeploymentRecordRoute {
  id: string;
  token: string;
  document(): unknown;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
}

function recordHandler(r: DeploymentRecordRoute): HostHandler {
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (m?.[1] !== r.token) return json(res, 401, { error: 'unauthorized' });
    const id = new URL(req.url ?? '/', 'https://api.invalid').pathname.slice('/api/v1/deployments/'.length);
    if (id !== r.id) return json(res, 404, { error: 'deployment not found' });
    return json(res, 200, r.document());
  };
}

export function installRecord(ctx: SimContext, record: DeploymentRecordRoute): void {
  ctx.web.route(`api.${ctx.sovereign}`, recordHandler(record), { paths: ['/api/v1/deployments/'] });
}

/** Plants the mothership URL in the JS bundles the console's or marketplace's pods serve. */
export function plantForbiddenLiteral(ctx: SimContext, surface: BundleSurface): void {
  const product = surface === 'console' ? 'catalyst-console' : 'catalyst-marketplace';
  ctx.primary.runtime.faultProduct(product, (state) => {
    for (const [path, file] of (state as CatalystWebState).files) {
      if (path.endsWith('.js')) file.body = `const n="${MOTHERSHIP_NOVA_URL}";${file.body}`;
    }
  });
}
