import type { RegionClient } from '../../src/target/kube.js';
import type { HttpClient, HttpExchange } from '../../src/target/http.js';

export interface ProbeEnv {
  region: RegionClient;
  http: HttpClient;
  sovereign: string;
  /** The kit's FQDN placeholder (`<sov>`). */
  placeholder: string;
}

/** One evaluation of a check: what was seen, when, and the verdict. */
export interface ProbeOutcome {
  ok: boolean;
  reason: string;
  /** When the observation was made (ms). */
  at: number;
  /** What was judged: object(s) JSON, or an HTTP exchange. */
  observed?: unknown;
  exchange?: HttpExchange;
  /** A failure that retrying cannot fix (e.g. a suspended HR). */
  final?: boolean;
}

export const outcome = (ok: boolean, reason: string, extra: Partial<ProbeOutcome> = {}): ProbeOutcome => ({ ok, reason, at: Date.now(), ...extra });
