/** HTTP probe kinds: status, JSON subset/path, text. In-cluster URLs go through the service proxy. */
import type { HttpJsonCheck, HttpStatusCheck, HttpTextCheck } from '../../src/kit/types.js';
import type { HttpExchange } from '../../src/target/http.js';
import { HttpClient } from '../../src/target/http.js';
import { outcome, type ProbeEnv, type ProbeOutcome } from './types.js';
import { containsSubset, isNonEmpty, readPath } from './path.js';

type HttpCheck = HttpJsonCheck | HttpStatusCheck | HttpTextCheck;

export function expandUrl(url: string, env: Pick<ProbeEnv, 'sovereign' | 'placeholder'>): string {
  return url.split(env.placeholder).join(env.sovereign);
}

/** `http://svc.ns.svc.cluster.local:8333/status` → the API server's service proxy. */
async function fetchInCluster(url: URL, env: ProbeEnv): Promise<{ exchange: HttpExchange; body: string }> {
  const m = /^([^.]+)\.([^.]+)\.svc(\.cluster\.local)?$/.exec(url.hostname);
  const started = Date.now();
  const base: HttpExchange = { request: { method: 'GET', url: url.toString(), headers: {} }, startedAt: new Date(started).toISOString(), finishedAt: '', durationMs: 0 };
  if (!m) return { exchange: { ...base, error: `${url.hostname} is not a <service>.<namespace>.svc name`, finishedAt: base.startedAt }, body: '' };
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const scheme = url.protocol === 'https:' ? 'https:' : '';
  try {
    const r = await env.region.serviceProxyGet(m[2], `${scheme}${m[1]}`, port, `${url.pathname}${url.search}`);
    const finished = Date.now();
    return { exchange: { ...base, response: { status: r.status, headers: {}, body: r.body.slice(0, 65536) }, finishedAt: new Date(finished).toISOString(), durationMs: finished - started }, body: r.body };
  } catch (e) {
    const finished = Date.now();
    return { exchange: { ...base, error: (e as Error).message, finishedAt: new Date(finished).toISOString(), durationMs: finished - started }, body: '' };
  }
}

async function fetchFor(check: HttpCheck, env: ProbeEnv): Promise<{ exchange: HttpExchange; body: string }> {
  const url = new URL(expandUrl(check.url, env));
  if (check.inCluster) return fetchInCluster(url, env);
  const body = check.body === undefined ? undefined : JSON.stringify(check.body);
  const headers = { ...(body ? { 'content-type': 'application/json' } : {}), ...check.headers };
  const exchange = await env.http.request(url.toString(), { method: check.method, headers, body, timeoutMs: 15_000 });
  return { exchange, body: HttpClient.fullBody(exchange) };
}

function seen(x: HttpExchange): string {
  return x.error ? `request failed: ${x.error}` : `HTTP ${x.response?.status}`;
}

export async function probeHttpStatus(check: HttpStatusCheck, env: ProbeEnv): Promise<ProbeOutcome> {
  const { exchange } = await fetchFor(check, env);
  const want = Array.isArray(check.expect) ? check.expect : [check.expect];
  const ok = exchange.response !== undefined && want.includes(exchange.response.status);
  return outcome(ok, `${check.method ?? 'GET'} ${exchange.request.url} → ${seen(exchange)} (want ${want.join(' or ')})`, { exchange });
}

export async function probeHttpText(check: HttpTextCheck, env: ProbeEnv): Promise<ProbeOutcome> {
  const { exchange, body } = await fetchFor(check, env);
  const status = exchange.response?.status ?? 0;
  if (status < 200 || status > 299) return outcome(false, `GET ${exchange.request.url} → ${seen(exchange)}`, { exchange });
  const ok = body.includes(check.contains);
  return outcome(ok, `GET ${exchange.request.url} → ${status}, body ${ok ? 'contains' : 'does not contain'} ${JSON.stringify(check.contains)}`, { exchange });
}

export async function probeHttpJson(check: HttpJsonCheck, env: ProbeEnv): Promise<ProbeOutcome> {
  const { exchange, body } = await fetchFor(check, env);
  const status = exchange.response?.status ?? 0;
  const what = `${check.method ?? 'GET'} ${exchange.request.url}`;
  if (status < 200 || status > 299) return outcome(false, `${what} → ${seen(exchange)}`, { exchange });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return outcome(false, `${what} → ${status} but the body is not JSON`, { exchange });
  }
  if (check.expect && !containsSubset(json, check.expect)) {
    const got = Object.fromEntries(Object.keys(check.expect).map((k) => [k, readPath(json, k)]));
    return outcome(false, `${what} → ${status}, want ${JSON.stringify(check.expect)}, got ${JSON.stringify(got)}`, { exchange });
  }
  if (check.expectPath && !isNonEmpty(readPath(json, check.expectPath))) return outcome(false, `${what} → ${status}, ${check.expectPath} is empty`, { exchange });
  if (check.expectNonEmpty && !isNonEmpty(readPath(json, check.expectNonEmpty))) return outcome(false, `${what} → ${status}, ${check.expectNonEmpty} is empty`, { exchange });
  return outcome(true, `${what} → ${status} ${check.expect ? JSON.stringify(check.expect) : check.expectPath ?? check.expectNonEmpty ?? ''}`.trim(), { exchange });
}
