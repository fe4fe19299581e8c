/**
 * What a measured run costs a region's API server, read from the server's own
 * `apiserver_request_total` before and after (by verb and resource). The server also serves its
 * controllers, Flux and kwok while the run goes on, so the same counters are read over an idle
 * window of the same length just before and subtracted: what is left is the run's.
 */
import { request } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

/** `VERB group/resource[/subresource]` → requests ('' resource: discovery and other non-resource paths). */
export type RequestCounts = Map<string, number>;

const SAMPLE = /^apiserver_request_total\{([^}]*)\} (\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/;

export function parseRequestTotals(metrics: string): RequestCounts {
  const out: RequestCounts = new Map();
  for (const line of metrics.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    const resource = labels.resource ? `${labels.group ? `${labels.group}/` : ''}${labels.resource}${labels.subresource ? `/${labels.subresource}` : ''}` : '';
    const key = `${labels.verb} ${resource}`.trimEnd();
    out.set(key, (out.get(key) ?? 0) + Number(m[2]));
  }
  return out;
}

/** `after - before - background`, keys with nothing left dropped. */
export function runRequests(before: RequestCounts, after: RequestCounts, background: RequestCounts = new Map()): RequestCounts {
  const out: RequestCounts = new Map();
  for (const [k, v] of after) {
    const n = v - (before.get(k) ?? 0) - (background.get(k) ?? 0);
    if (n > 0) out.set(k, n);
  }
  return out;
}

export function readRequestTotals(kubeconfigPath: string): Promise<RequestCounts> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const url = new URL('/metrics', kc.getCurrentCluster()!.server);
  return new Promise((resolve, reject) => {
    const opts: import('node:https').RequestOptions = { method: 'GET', headers: { accept: 'text/plain' } };
    void kc.applyToHTTPSOptions(opts).then(() => {
      const req = request(url, opts, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(parseRequestTotals(body)) : reject(new Error(`GET /metrics: ${res.statusCode} ${body.slice(0, 200)}`))));
      });
      req.on('error', reject);
      req.end();
    }, reject);
  });
}

/** The run's requests: an idle window as long as the run first, then the run between two reads. */
export async function measureRequests(kubeconfigPath: string, run: () => Promise<void>, idleMs: number): Promise<RequestCounts> {
  const idle0 = await readRequestTotals(kubeconfigPath);
  await new Promise((r) => setTimeout(r, idleMs));
  const idle1 = await readRequestTotals(kubeconfigPath);
  const background = runRequests(idle0, idle1);
  const before = await readRequestTotals(kubeconfigPath);
  await run();
  const after = await readRequestTotals(kubeconfigPath);
  return runRequests(before, after, background);
}

export interface Economy {
  total: number;
  byVerb: Record<string, number>;
  /** Resources read with more than one LIST or more than one WATCH (the target: at most one of each). */
  overBudget: string[];
  /**
   * Over-budget lines the harness's own count says it did not send more than once: the server's
   * controllers re-watching during the run, which the idle window did not see (not counted against it).
   */
  background?: string[];
  requests: Record<string, number>;
}

/**
 * `sent`: what the harness counted itself sending over the run (`VERB plural.group` as
 * src/target/api-requests.ts keys it); with it, a line the server saw more than once but the
 * harness sent at most once is background, not the harness's.
 */
export function economyOf(counts: RequestCounts, sent?: ReadonlyMap<string, number>): Economy {
  const byVerb: Record<string, number> = {};
  const overBudget: string[] = [];
  const background: string[] = [];
  for (const [k, v] of counts) {
    const [verb, resource = ''] = k.split(' ');
    byVerb[verb] = (byVerb[verb] ?? 0) + v;
    if ((verb === 'LIST' || verb === 'WATCH') && resource && v > 1) {
      const line = `${verb} ${resource} ×${v}`;
      if (sent && (sent.get(`${verb} ${asSent(resource)}`) ?? 0) <= 1) background.push(line);
      else overBudget.push(line);
    }
  }
  return { total: [...counts.values()].reduce((a, b) => a + b, 0), byVerb, overBudget, ...(sent ? { background } : {}), requests: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])) };
}

/** A LIST's or WATCH's resource as the server names it (`group/plural`, core `plural`) as the harness counts it (`plural.group`). */
function asSent(resource: string): string {
  const slash = resource.indexOf('/');
  return slash < 0 ? resource : `${resource.slice(slash + 1)}.${resource.slice(0, slash)}`;
}
