/**
 * Writes through the counter app: POST <baseUrl>/write {"key"} → 200 {"id", "region"}.
 * The harness passes a dispatcher that applies its resolve rules and extra CA.
 */
import { request, type Dispatcher } from 'undici';
import { WriteFailure, type WriteAck, type WriteRequest, type WriteTarget } from '../writer.js';

export interface HttpTargetOptions {
  baseUrl: string;
  dispatcher?: Dispatcher;
}

function regionOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('region' in body)) return undefined;
  return typeof body.region === 'string' && body.region !== '' ? body.region : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createHttpTarget(opts: HttpTargetOptions): WriteTarget {
  const url = new URL('write', opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
  const endpoint = url.host;
  return {
    endpoint,
    async write({ key }: WriteRequest, signal: AbortSignal): Promise<WriteAck> {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key }),
        dispatcher: opts.dispatcher,
        signal,
      });
      const text = await response.body.text();
      const body = parseJson(text);
      const region = regionOf(body);
      if (response.statusCode !== 200) {
        const detail = text.replace(/\s+/g, ' ').trim().slice(0, 200);
        throw new WriteFailure(`HTTP ${response.statusCode}${detail === '' ? '' : `: ${detail}`}`, region);
      }
      const id = typeof body === 'object' && body !== null && 'id' in body ? body.id : undefined;
      if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
        throw new WriteFailure(`HTTP 200 without an integer "id": ${text.slice(0, 200)}`, region);
      }
      return { id, endpoint: region ?? endpoint };
    },
    async close() {},
  };
}
