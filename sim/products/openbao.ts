// Source: openbao/openbao http/sys_health.go (status codes, query overrides, HealthResponse) and the
// seal-status response of http/sys_seal.go; `/` → 307 /ui/ is the UI redirect of http/handler.go.
import { html, json, goNotFound, isRead, pathOf, queryOf, redirect } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest, ProductState } from './types.js';

/** `ready: false` is a sealed server (after a restart, before unseal). */
export interface OpenBaoState extends ProductState {
  initialized: boolean;
  standby: boolean;
}

const VERSION = '2.1.0';
const BUILD_DATE = '2024-11-29T14:00:23Z';
const CLUSTER = { cluster_name: 'vault-cluster-5f6c8b2e', cluster_id: '0b8d3e4a-7c1f-4a52-9d2e-3f6a1c9b8e70' };

/** `?sealedcode=200` style overrides; a malformed one is a 400 with an empty error list. */
function code(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const n = Number.parseInt(raw, 10);
  return Number.isNaN(n) ? undefined : n;
}

function health(req: ProductRequest, state: OpenBaoState): ProductAnswer {
  const query = queryOf(req);
  const standbyOk = ['1', 't', 'true'].includes((query.get('standbyok') ?? '').toLowerCase());
  const codes = {
    uninit: code(query, 'uninitcode', 501),
    sealed: code(query, 'sealedcode', 503),
    standby: code(query, 'standbycode', 429),
    active: code(query, 'activecode', 200),
  };
  if (Object.values(codes).some((c) => c === undefined)) return json(400, { errors: [] });
  const sealed = !state.ready || !state.initialized;
  let status = codes.active!;
  if (!state.initialized) status = codes.uninit!;
  else if (sealed) status = codes.sealed!;
  else if (state.standby && !standbyOk) status = codes.standby!;
  const body = {
    initialized: state.initialized,
    sealed,
    standby: state.standby,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(Date.now() / 1000),
    version: VERSION,
    ...(sealed ? {} : CLUSTER),
  };
  return req.method === 'HEAD' ? { status, headers: { 'content-type': 'application/json' }, body: '' } : json(status, body);
}

function sealStatus(state: OpenBaoState): ProductAnswer {
  const sealed = !state.ready || !state.initialized;
  return json(200, {
    type: 'shamir',
    initialized: state.initialized,
    sealed,
    t: state.initialized ? 3 : 0,
    n: state.initialized ? 5 : 0,
    progress: 0,
    nonce: '',
    version: VERSION,
    build_date: BUILD_DATE,
    migration: false,
    ...(sealed ? {} : CLUSTER),
    recovery_seal: false,
    storage_type: 'raft',
  });
}

function handle(req: ProductRequest, ctx: ProductContext<OpenBaoState>): ProductAnswer {
  const path = pathOf(req);
  if (path === '/v1/sys/health') return isRead(req) ? health(req, ctx.state) : json(405, { errors: [] });
  if (path === '/v1/sys/seal-status') return req.method === 'GET' ? sealStatus(ctx.state) : json(405, { errors: [] });
  if (path.startsWith('/v1/')) {
    if (!ctx.state.ready || !ctx.state.initialized) return json(503, { errors: ['Vault is sealed'] });
    // No request here carries a token the model could have issued.
    return json(403, { errors: ['permission denied'] });
  }
  if (path === '/') return redirect(307, '/ui/', { 'cache-control': 'no-store' });
  if (path === '/ui/' || path.startsWith('/ui/')) return html(200, '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>OpenBao</title></head><body class="vault"></body></html>\n');
  return goNotFound();
}

export const openbao: ProductModel<OpenBaoState> = {
  product: 'openbao',
  component: 'openbao',
  ports: [8200],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true, initialized: true, standby: false }),
  handle,
};
