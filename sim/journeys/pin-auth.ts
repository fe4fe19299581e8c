/**
 * catalyst-api's emailed-PIN sign-in (§4.1): one 6-digit PIN per request id, 10 minutes to
 * live, 3 attempts, and a per-email rate limit on issuing.
 */
import { randomInt, randomUUID } from 'node:crypto';

export const PIN_TTL_SEC = 600;
export const PIN_MAX_ATTEMPTS = 3;
/** Sim-sized: upstream's window is longer, the rule (a rapid repeat is refused) is the same. */
export const PIN_RATE_WINDOW_MS = 1_000;

interface PinRequest {
  requestId: string;
  email: string;
  pin: string;
  expiresAt: number;
  attempts: number;
  used: boolean;
}

export type VerifyResult =
  | { status: 200; body: { ok: true } }
  | { status: 401; body: { error: 'pin-invalid'; attemptsRemaining: number } }
  | { status: 410; body: { error: 'pin-expired' | 'attempts-exceeded' } };

export class PinAuth {
  private readonly requests = new Map<string, PinRequest>();
  private readonly lastIssue = new Map<string, number>();

  /** `countAttempts: false` is the `pin-attempts-unlimited` fault: wrong PINs never use up the request. */
  constructor(private readonly opts: { countAttempts: boolean } = { countAttempts: true }) {}

  /** Undefined when this email asked too recently (429); the check-and-set is synchronous, so concurrent asks get exactly one PIN. */
  issue(email: string): PinRequest | undefined {
    const key = email.toLowerCase();
    const now = Date.now();
    const last = this.lastIssue.get(key);
    if (last !== undefined && now - last < PIN_RATE_WINDOW_MS) return undefined;
    this.lastIssue.set(key, now);
    const req: PinRequest = {
      requestId: randomUUID(),
      email: key,
      pin: String(randomInt(0, 1_000_000)).padStart(6, '0'),
      expiresAt: now + PIN_TTL_SEC * 1000,
      attempts: 0,
      used: false,
    };
    this.requests.set(req.requestId, req);
    return req;
  }

  /** Forget a request whose mail could not be sent, so the caller may retry at once. */
  withdraw(requestId: string): void {
    const r = this.requests.get(requestId);
    if (r) this.lastIssue.delete(r.email);
    this.requests.delete(requestId);
  }

  verify(email: string, pin: string, requestId: string): VerifyResult {
    const r = this.requests.get(requestId);
    if (!r || r.used || r.email !== email.toLowerCase() || Date.now() > r.expiresAt) return { status: 410, body: { error: 'pin-expired' } };
    if (r.attempts >= PIN_MAX_ATTEMPTS) return { status: 410, body: { error: 'attempts-exceeded' } };
    if (r.pin !== pin) {
      if (!this.opts.countAttempts) return { status: 401, body: { error: 'pin-invalid', attemptsRemaining: PIN_MAX_ATTEMPTS } };
      r.attempts += 1;
      if (r.attempts >= PIN_MAX_ATTEMPTS) return { status: 410, body: { error: 'attempts-exceeded' } };
      return { status: 401, body: { error: 'pin-invalid', attemptsRemaining: PIN_MAX_ATTEMPTS - r.attempts } };
    }
    r.used = true;
    return { status: 200, body: { ok: true } };
  }
}
