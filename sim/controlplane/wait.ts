/** Waiting for a component to come up, bounded, failing early when its process has died. */
import { Agent, fetch as undiciFetch } from 'undici';

export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (!alive()) throw new Error(`${what} exited while starting${last ? ` (${last})` : ''}`);
    try {
      if (await probe()) return;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs / 1000} s${last ? ` (${last})` : ''}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

export interface ClientTls {
  ca: string;
  cert?: string;
  key?: string;
}

/** Waits until GET `url` answers 200 over TLS verified against `tls.ca`. */
export async function waitHttps(what: string, url: string, tls: ClientTls, timeoutMs: number, alive?: () => boolean): Promise<void> {
  const dispatcher = new Agent({ connect: tls });
  try {
    await waitUntil(what, async () => (await undiciFetch(url, { dispatcher })).status === 200, timeoutMs, alive);
  } finally {
    await dispatcher.close();
  }
}
