/**
 * The mothership's deployment record (`/var/lib/catalyst/deployments/<id>.json`, served as
 * `GET /api/v1/deployments/<id>`), read from a file or over HTTPS with a bearer token.
 */
import { readFileSync } from 'node:fs';
import type { TargetSpec } from '../../target/types.js';
import { HttpClient, type HttpExchange } from '../../target/http.js';
import { registerSecret } from '../../evidence/redact.js';

export interface DeploymentRecord {
  sovereignFQDN?: string;
  status?: string;
  startedAt?: string;
  handoverFiredAt?: string;
  controlPlaneIP?: string;
  loadBalancerIP?: string;
  /** Top-level `cutoverComplete`, else `result.cutoverComplete`. */
  cutoverComplete?: boolean;
}

export type RecordSource =
  | { ok: true; record: DeploymentRecord; raw: unknown; from: string; exchange?: HttpExchange }
  | { ok: false; reason: string; from: string; exchange?: HttpExchange };

export async function loadRecord(spec: TargetSpec['record'], http: HttpClient): Promise<RecordSource> {
  if (spec?.file) return fromText(() => readFileSync(spec.file as string, 'utf8'), spec.file);
  if (spec?.url) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (spec.tokenEnv) {
      const token = process.env[spec.tokenEnv];
      if (!token) return { ok: false, from: spec.url, reason: `environment variable ${spec.tokenEnv} (record API token) is not set` };
      registerSecret(token);
      headers.authorization = `Bearer ${token}`;
    }
    const x = await http.request(spec.url, { headers, timeoutMs: 30_000 });
    if (!x.response) return { ok: false, from: spec.url, exchange: x, reason: `no answer from ${spec.url}: ${x.error ?? 'unknown error'}` };
    if (x.response.status !== 200) return { ok: false, from: spec.url, exchange: x, reason: `${spec.url} answered HTTP ${x.response.status}` };
    const parsed = fromText(() => HttpClient.fullBody(x), spec.url);
    return { ...parsed, exchange: x };
  }
  return { ok: false, from: 'none', reason: 'no deployment record source: give --record <file> or target.record.url' };
}

function fromText(read: () => string, from: string): RecordSource {
  let raw: unknown;
  try {
    raw = JSON.parse(read());
  } catch (e) {
    return { ok: false, from, reason: `deployment record ${from} is unreadable: ${(e as Error).message.split('\n')[0]}` };
  }
  if (!isObject(raw)) return { ok: false, from, reason: `deployment record ${from} is not a JSON object` };
  return { ok: true, from, raw, record: parseRecord(raw) };
}

export function parseRecord(raw: Record<string, unknown>): DeploymentRecord {
  const request = isObject(raw.request) ? raw.request : {};
  const result = isObject(raw.result) ? raw.result : {};
  const complete = raw.cutoverComplete ?? result.cutoverComplete;
  return {
    sovereignFQDN: str(request.sovereignFQDN),
    status: str(raw.status),
    startedAt: str(raw.startedAt),
    handoverFiredAt: str(result.handoverFiredAt),
    controlPlaneIP: str(result.controlPlaneIP),
    loadBalancerIP: str(result.loadBalancerIP),
    cutoverComplete: complete === true || complete === 'true' ? true : complete === false || complete === 'false' ? false : undefined,
  };
}

/** Go's zero time.Time marshals as `0001-01-01T00:00:00Z`. */
export function isSetTime(v: string | undefined): boolean {
  if (!v) return false;
  const t = Date.parse(v);
  return Number.isFinite(t) && new Date(t).getUTCFullYear() > 1;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}
