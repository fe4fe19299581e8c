/**
 * The requests this process sent to each region's API server, by verb and resource. Region
 * clients count every request as they send it (src/target/kube.ts); each process of a walk
 * writes its counts to the run folder (src/gates/recorder.ts), where the summary sums them.
 */
import type { RegionApiRequests } from '../gates/types.js';
import { classifyApiRequest } from './api-request-class.js';

/** region → `VERB resource` → requests. */
const counts = new Map<string, Map<string, number>>();

/** `pathAndQuery`: relative to the region's API server URL. */
export function countApiRequest(region: string, method: string, pathAndQuery: string): void {
  const { verb, resource } = classifyApiRequest(method, pathAndQuery);
  const key = `${verb} ${resource}`;
  let byKey = counts.get(region);
  if (!byKey) counts.set(region, (byKey = new Map()));
  byKey.set(key, (byKey.get(key) ?? 0) + 1);
}

/** What this process has sent so far. */
export function apiRequestsOfThisProcess(): RegionApiRequests[] {
  return [...counts].map(([region, byKey]) =>
    regionTotals(
      region,
      [...byKey].map(([key, count]) => {
        const space = key.indexOf(' ');
        return { verb: key.slice(0, space), resource: key.slice(space + 1), count };
      }),
    ),
  );
}

/** Sums the counts of several processes; `regions` are listed first, in their order, even with nothing sent. */
export function sumApiRequests(parts: readonly RegionApiRequests[][], regions: readonly string[] = []): RegionApiRequests[] {
  const sums = new Map<string, Map<string, { verb: string; resource: string; count: number }>>(regions.map((r) => [r, new Map()]));
  for (const r of parts.flat()) {
    let lines = sums.get(r.region);
    if (!lines) sums.set(r.region, (lines = new Map()));
    for (const l of r.requests) {
      const key = `${l.verb} ${l.resource}`;
      const line = lines.get(key) ?? { verb: l.verb, resource: l.resource, count: 0 };
      line.count += l.count;
      lines.set(key, line);
    }
  }
  return [...sums].map(([region, lines]) => regionTotals(region, [...lines.values()]));
}

function regionTotals(region: string, requests: RegionApiRequests['requests']): RegionApiRequests {
  const sorted = [...requests].sort((a, b) => b.count - a.count || `${a.verb} ${a.resource}`.localeCompare(`${b.verb} ${b.resource}`));
  return { region, total: sorted.reduce((n, l) => n + l.count, 0), requests: sorted };
}

/** A request URL's path and query on the API server at `server` (which may have a path of its own, behind a proxy). */
export function pathOnServer(url: string, server: string): string {
  const u = new URL(url);
  const base = new URL(server).pathname.replace(/\/+$/, '');
  return `${base && u.pathname.startsWith(`${base}/`) ? u.pathname.slice(base.length) : u.pathname}${u.search}`;
}
