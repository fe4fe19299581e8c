/**
 * catalyst-api on `console.<sov>`: emailed-PIN sign-in, the harness's test-session shortcut, and
 * the BSS voucher proxy (§4.1, §4.2), with upstream's bodies, status codes and rules.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyError, cookies, readJson, sendJson, sessionCookie, str, urlOf } from './http-util.js';
import { PIN_TTL_SEC } from './pin-auth.js';
import { codePolicyError } from './vouchers.js';
import type { JourneyWorld } from './world.js';

const TIERS = ['viewer', 'developer', 'operator', 'admin', 'owner'] as const;
const SESSION_TTL_SEC = 8 * 3600;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface ConsoleSession {
  email: string;
  tier: string;
}

export function consoleSession(w: JourneyWorld, req: IncomingMessage): ConsoleSession | undefined {
  const c = w.signer.verify(cookies(req).catalyst_session);
  return c && c.typ === 'console-session' && typeof c.sub === 'string' ? { email: c.sub, tier: String(c.tier) } : undefined;
}

function mintSession(w: JourneyWorld, email: string, tier: string): string {
  return w.signer.sign({ typ: 'console-session', sub: email, tier, aud: `console.${w.sovereign}` }, SESSION_TTL_SEC);
}

function spaced(pin: string): string {
  return pin.split('').join(' ');
}

async function pinIssue(w: JourneyWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const email = str((await readJson(req)).email).trim().toLowerCase();
  if (!EMAIL.test(email)) return sendJson(res, 400, { error: 'invalid-email' });
  const r = w.pins.issue(email);
  if (!r) return sendJson(res, 429, { error: 'rate-limited' }, { 'retry-after': '1' });
  try {
    await w.mail.send({
      to: email,
      subject: `Your OpenOva sign-in code: ${r.pin}`,
      text: `Your sign-in code is\n\n    ${spaced(r.pin)}\n\nEnter this code at https://console.${w.sovereign}/login\nThe code expires in 10 minutes. If you did not ask for it, ignore this mail.\n`,
    });
  } catch {
    w.pins.withdraw(r.requestId);
    return sendJson(res, 502, { error: 'email-send-failed' });
  }
  sendJson(res, 200, { ok: true, sent: true, requestId: r.requestId, expiresInSec: PIN_TTL_SEC });
}

async function pinVerify(w: JourneyWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const b = await readJson(req);
  const email = str(b.email).trim().toLowerCase();
  const result = w.pins.verify(email, str(b.pin).trim(), str(b.requestId));
  if (result.status !== 200) return sendJson(res, result.status, result.body);
  sendJson(res, 200, result.body, { 'set-cookie': sessionCookie(mintSession(w, email, 'owner')) });
}

function testSession(w: JourneyWorld, req: IncomingMessage, res: ServerResponse): void {
  const tier = urlOf(req).searchParams.get('tier') ?? '';
  if (!(TIERS as readonly string[]).includes(tier)) return sendJson(res, 400, { error: 'invalid-tier', tiers: TIERS });
  const email = `test-session-${tier}@${w.sovereign}`;
  sendJson(res, 200, { ok: true, tier, email }, { 'set-cookie': sessionCookie(mintSession(w, email, tier)) });
}

async function vouchers(w: JourneyWorld, req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
  if (!consoleSession(w, req)) return sendJson(res, 401, { error: 'unauthorized' });
  if (req.method === 'GET' && rest === 'list') return sendJson(res, 200, { vouchers: w.vouchers.list() });
  if (req.method === 'POST' && rest === 'issue') {
    const b = await readJson(req);
    const code = str(b.code).trim().toUpperCase();
    const credit = typeof b.credit_omr === 'number' ? b.credit_omr : NaN;
    if (!(credit > 0)) return sendJson(res, 400, { error: 'code and credit_omr are required' });
    const policy = w.ctx.faultActive('code-policy-off') ? undefined : codePolicyError(code);
    if (policy) return sendJson(res, 400, { error: policy });
    const row = w.vouchers.issue({
      code,
      credit_omr: credit,
      description: str(b.description),
      active: b.active !== false,
      max_redemptions: typeof b.max_redemptions === 'number' ? b.max_redemptions : 0,
    });
    const recipient = str(b.recipient_email).trim();
    if (recipient && !w.ctx.faultActive('voucher-mail-missing')) await sendVoucherMail(w, recipient, row.code, row.credit_omr);
    return sendJson(res, 200, row);
  }
  const revoke = /^revoke\/([^/]+)$/.exec(rest);
  if (revoke && (req.method === 'POST' || req.method === 'DELETE')) {
    return w.vouchers.revoke(decodeURIComponent(revoke[1])) ? sendJson(res, 200, { ok: true }) : sendJson(res, 404, { error: 'voucher not found' });
  }
  sendJson(res, 404, { error: 'not found' });
}

/** The "voucher-issued" mail; its redeem link follows the DoD contract unless `redeem-link-plain` is set. */
async function sendVoucherMail(w: JourneyWorld, to: string, code: string, credit: number): Promise<void> {
  const path = w.ctx.faultActive('redeem-link-plain') ? '/redeem' : '/redeem/';
  const link = `https://marketplace.${w.sovereign}${path}?code=${encodeURIComponent(code)}`;
  await w.mail.send({
    to,
    subject: `You've received an OpenOva voucher worth ${credit} OMR`,
    text: `You have been issued a prepaid voucher worth ${credit} OMR.\n\nVoucher code: ${code}\nRedeem it here: ${link}\n`,
    html: `<p>You have been issued a prepaid voucher worth <strong>${credit} OMR</strong>.</p><p>Voucher code: <code>${code}</code></p><p><a href="${link}">Redeem your voucher</a></p>`,
  });
}

/** Handles `/api/v1/auth/*` and `/api/v1/sme/billing/vouchers/*`. */
export async function consoleApi(w: JourneyWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = urlOf(req).pathname;
  try {
    if (req.method === 'POST' && path === '/api/v1/auth/pin/issue') return await pinIssue(w, req, res);
    if (req.method === 'POST' && path === '/api/v1/auth/pin/verify') return await pinVerify(w, req, res);
    if (req.method === 'POST' && path === '/api/v1/auth/test-session') return testSession(w, req, res);
    const v = /^\/api\/v1\/sme\/billing\/vouchers\/(.+)$/.exec(path);
    if (v) return await vouchers(w, req, res, v[1]);
    sendJson(res, 404, { error: 'not found' });
  } catch (e) {
    if (e instanceof BodyError) return sendJson(res, 400, { error: e.message });
    throw e;
  }
}
