/**
 * A request the way a workload of a region makes it: through the region's egress proxy, under the
 * source's identity, trusting what a container image trusts (the world's roots). A connection the
 * policies drop is never answered, so the request ends at its own timeout, as a real one does.
 */
import { ProxyAgent, request } from 'undici';

export type Reach = { ok: true; status: number } | { ok: false; error: 'timeout' | 'unresolved' | 'failed'; detail: string };

export interface ReachOptions {
  proxyUrl: string;
  /** Identity the proxy judges (`<namespace>/<pod>`, a namespace, reserved:host). */
  from: string;
  url: string;
  timeoutMs: number;
  /** PEM roots for the destination's certificate. */
  ca: string;
}

export async function reach(o: ReachOptions): Promise<Reach> {
  const agent = new ProxyAgent({ uri: o.proxyUrl, token: `Basic ${Buffer.from(`${encodeURIComponent(o.from)}:`).toString('base64')}`, requestTls: { ca: o.ca } });
  try {
    const res = await request(o.url, { dispatcher: agent, signal: AbortSignal.timeout(o.timeoutMs) });
    await res.body.dump();
    return { ok: true, status: res.statusCode };
  } catch (e) {
    const err = e as Error;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return { ok: false, error: 'timeout', detail: 'i/o timeout' };
    if (/\b502\b/.test(err.message)) return { ok: false, error: 'unresolved', detail: 'no such host' };
    return { ok: false, error: 'failed', detail: err.message };
  } finally {
    await agent.destroy().catch(() => {});
  }
}
