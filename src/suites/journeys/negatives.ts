/**
 * The negative paths, each its own gate: codes that must not redeem, a redemption past the
 * cap, wrong PINs, a taken subdomain, and codes the issue modal must refuse.
 */
import type { Gate } from '../../gates/types.js';
import type { GateRun } from '../../gates/gate-run.js';
import { registerSecret } from '../../evidence/redact.js';
import { HttpClient } from '../../target/http.js';
import { POLICY_VIOLATIONS } from './code-policy.js';
import { browserFetch, expectVisible, fail } from './hop.js';
import { contractLink, readPin } from './mail-content.js';
import { G } from './gates.js';
import { requestConsolePin } from './flow.js';
import type { JourneySession } from './session.js';
import { ConsoleLoginPage } from './pages/console-login.js';
import { VouchersPage } from './pages/vouchers.js';
import { FunnelPages, RedeemPage, type RedeemOutcome } from './pages/marketplace.js';

const HEADING: Record<RedeemOutcome, string> = {
  valid: 'Voucher valid',
  'not-valid': 'Voucher not valid',
  ended: 'This campaign has ended',
  'no-code': 'No voucher code',
};

/** Opens the redeem link of `code` and expects `want`, with redeem-preview answering `status`. */
async function expectRedeem(s: JourneySession, g: GateRun, actor: string, code: string, want: RedeemOutcome, status: number): Promise<string> {
  const { page } = await s.actor(actor);
  const { outcome, preview } = await new RedeemPage(page, s.cfg.uiTimeoutMs).open(contractLink(s.sovereign, code, s.cfg.redeemLinkForm));
  await s.shot(g, actor, actor, `redeem page for ${code}`);
  if (outcome !== want) fail(`the redeem page for ${code} says "${HEADING[outcome]}", expected "${HEADING[want]}"`);
  if (preview && preview.status !== status) fail(`redeem-preview answered HTTP ${preview.status} for ${code}, expected ${status}`);
  return `"${HEADING[want]}" (redeem-preview HTTP ${preview?.status ?? 'not seen'})`;
}

export function unknownCode(s: JourneySession): Promise<Gate> {
  const actor = 'unknown-code';
  return s.hop(G.unknownCode, { needs: [], actor, closeAlways: [actor] }, async (g) => {
    const code = `SW-NONE-${s.tag.toUpperCase()}`;
    const verdict = await g.step(`redeem ${code}`, () => expectRedeem(s, g, actor, code, 'not-valid', 404), (v) => v);
    return `unknown code ${code}: ${verdict}`;
  });
}

export function inactiveCode(s: JourneySession): Promise<Gate> {
  const actor = 'inactive-code';
  return s.hop(G.inactiveCode, { needs: [G.operatorSignIn.id], actor, closeAlways: [actor] }, async (g) => {
    const code = `SW-OFF-${s.tag.toUpperCase()}`;
    await g.step(`issue ${code} with active:false (console API, operator session)`, async () => {
      const op = await s.actor(`${actor}-operator`, s.state.operatorStorage);
      try {
        await op.page.goto(`${s.consoleOrigin}/login`);
        const r = await browserFetch(op.page, '/api/v1/sme/billing/vouchers/issue', {
          method: 'POST',
          json: { code, credit_omr: 10, active: false, description: `sovereign-walk ${s.h.ctx.runId} inactive` },
        });
        if (r.status !== 200) throw new Error(`could not issue the inactive voucher ${code}: HTTP ${r.status}`);
      } finally {
        const har = await s.closeActor(`${actor}-operator`);
        if (har) g.attach(har);
      }
    });
    const verdict = await g.step(`redeem ${code}`, () => expectRedeem(s, g, actor, code, 'ended', 410), (v) => v);
    return `inactive ${code}: ${verdict}`;
  });
}

export function exhaustedCode(s: JourneySession): Promise<Gate> {
  const actor = 'exhausted-code';
  return s.hop(G.exhaustedCode, { needs: [G.checkout.id], actor, closeAlways: [actor] }, async (g) => {
    const v = s.state.voucher ?? fail('no voucher');
    const verdict = await g.step(`redeem ${v.code} (max_redemptions ${v.maxRedemptions}, redeemed by the journey)`, () => expectRedeem(s, g, actor, v.code, 'ended', 410), (x) => x);
    return `exhausted ${v.code}: ${verdict}`;
  });
}

export function pastCap(s: JourneySession): Promise<Gate> {
  return s.hop(G.pastCap, { needs: [G.checkout.id] }, async (g) => {
    const v = s.state.voucher ?? fail('no voucher');
    const token = s.state.customerToken ?? fail('no customer session');
    const api = (path: string, body: unknown) =>
      s.h.http.request(`${s.marketplaceOrigin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const slug = `${s.state.slug}-cap`;
    const org = await g.step(`create Organization ${slug} to check out against`, async () => {
      const x = await api('/api/tenant/orgs', { slug, name: `${s.state.orgName} cap`, plan_id: s.state.planId, apps: [], addons: [], parent_domain: s.poolDomain, defer_launch: true });
      g.attach(s.h.evidence.json('journey-past-cap-org', x, 'second Organization for the past-cap checkout'));
      const status = x.response?.status ?? 0;
      if (status < 200 || status > 299) throw new Error(`could not create ${slug} to test the cap: ${x.error ?? `HTTP ${status}`}`);
      const id = (JSON.parse(HttpClient.fullBody(x)) as { id?: string }).id;
      if (!id) throw new Error(`the org-create answer for ${slug} has no id`);
      return id;
    });
    const checkout = await g.step(`checkout with ${v.code} past its cap`, async () => {
      const x = await api('/api/billing/checkout', { plan_id: s.state.planId, apps: [], addons: [], tenant_id: org, promo_code: v.code, topology: 'single-region' });
      g.attach(s.h.evidence.json('journey-past-cap-checkout', x, 'checkout with the exhausted voucher'));
      return x;
    }, (x) => `HTTP ${x.response?.status ?? x.error}`);
    const status = checkout.response?.status ?? 0;
    let paid = false;
    try {
      paid = (JSON.parse(HttpClient.fullBody(checkout)) as { paid_by_credit?: boolean }).paid_by_credit === true;
    } catch {
      // A refusal need not be JSON.
    }
    if (!status) throw new Error(`checkout request failed: ${checkout.error}`);
    if ((status >= 200 && status < 300) || paid) fail(`checkout with ${v.code} past max_redemptions ${v.maxRedemptions} was accepted (HTTP ${status}${paid ? ', paid by credit' : ''})`);
    if (s.state.operatorStorage) {
      await g.step('voucher still shows one redemption', async () => {
        const cookie = s.state.operatorStorage?.cookies.filter((c) => s.consoleOrigin.includes(c.domain.replace(/^\./, ''))).map((c) => `${c.name}=${c.value}`).join('; ') ?? '';
        const x = await s.h.http.request(`${s.consoleOrigin}/api/v1/sme/billing/vouchers/list`, { headers: { cookie } });
        const list = (JSON.parse(HttpClient.fullBody(x) || '{}') as { vouchers?: { code: string; times_redeemed: number }[] }).vouchers ?? [];
        const row = list.find((r) => r.code === v.code) ?? fail(`${v.code} is missing from the voucher list`);
        if (row.times_redeemed > v.maxRedemptions) fail(`${v.code} shows ${row.times_redeemed} redemptions, above its cap ${v.maxRedemptions}`);
        return row.times_redeemed;
      }, (n) => `times_redeemed ${n}`);
    }
    return `checkout with ${v.code} refused (HTTP ${status})`;
  });
}

/** Each digit moved by one: a PIN that is certainly wrong. */
function wrongPin(pin: string): string {
  return pin.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
}

export function wrongPinAttempts(s: JourneySession): Promise<Gate> {
  const actor = 'wrong-pin';
  return s.hop(G.wrongPin, { needs: [], actor, closeAlways: [actor] }, async (g) => {
    const { page } = await s.actor(actor);
    const email = s.cfg.operatorEmail;
    const login = new ConsoleLoginPage(page, s.consoleOrigin, s.cfg.uiTimeoutMs);
    await login.open();
    const since = Date.now();
    const issue = await g.step('ask for a PIN', async () => {
      const c = await requestConsolePin(s, login, email);
      if (c.status !== 200) fail(`PIN issue answered HTTP ${c.status}`);
      return c;
    });
    const requestId = String(issue.body.requestId);
    await login.verifyUrl();
    const mail = await g.step('PIN mail arrives', () => s.waitForMail(g, { to: email, subjectMatches: /sign-in code/i, since, timeoutMs: s.cfg.mailTimeoutMs }));
    const pin = readPin(mail);
    const wrong = wrongPin(pin);
    registerSecret(wrong);
    const expected = [
      { status: 401, error: 'pin-invalid', remaining: 2 },
      { status: 401, error: 'pin-invalid', remaining: 1 },
      { status: 410, error: 'attempts-exceeded' },
    ];
    for (const [i, want] of expected.entries()) {
      await g.step(`wrong PIN #${i + 1} → ${want.status} ${want.error}`, async () => {
        await login.clearPin();
        await login.enterPin(wrong);
        const c = await login.submitPin();
        const got = `${c.status} ${JSON.stringify(c.body)}`;
        if (c.status !== want.status || c.body.error !== want.error) fail(`wrong PIN #${i + 1} answered ${got}, expected ${want.status} {error:"${want.error}"}`);
        if (want.remaining !== undefined && c.body.attemptsRemaining !== want.remaining) fail(`wrong PIN #${i + 1}: attemptsRemaining ${String(c.body.attemptsRemaining)}, expected ${want.remaining}`);
        await expectVisible(login.alert, `the error shown after wrong PIN #${i + 1}`, s.cfg.uiTimeoutMs);
        const text = (await login.alert.first().innerText()).trim();
        await s.shot(g, actor, `wrong-pin-${i + 1}`, `after wrong PIN #${i + 1}: "${text}"`);
        return text;
      }, (t) => `shown: "${t}"`);
    }
    await g.step('the right PIN no longer signs in', async () => {
      const x = await s.h.http.request(`${s.consoleOrigin}/api/v1/auth/pin/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, pin, requestId }) });
      const status = x.response?.status;
      if (status === 200) fail('after three wrong PINs the right PIN still signs in');
      if (status !== 410) fail(`the right PIN after three wrong ones answered HTTP ${status ?? x.error}, expected 410 attempts-exceeded`);
    });
    return 'two wrong PINs answered 401 pin-invalid (2, 1 left), the third 410 attempts-exceeded, and the request stayed locked';
  });
}

export function slugTaken(s: JourneySession): Promise<Gate> {
  const actor = 'slug-taken';
  return s.hop(G.slugTaken, { needs: [G.checkout.id], actor, closeAlways: [actor] }, async (g) => {
    const { page } = await s.actor(actor);
    await page.goto(`${s.marketplaceOrigin}/addons`);
    const f = new FunnelPages(page, s.cfg.uiTimeoutMs);
    const a = await g.step(`type the journey's subdomain ${s.state.slug}`, () => f.chooseSubdomain(s.state.slug, s.poolDomain), (x) => x.text);
    await s.shot(g, actor, actor, `availability of ${s.state.slug}`);
    if (!/already taken/.test(a.text)) fail(`the add-ons page says "${a.text}" for the taken subdomain ${s.state.slug}`);
    if (a.check && a.check.body.available !== false) fail(`check-slug answered ${JSON.stringify(a.check.body)} for a taken subdomain`);
    return `"${a.text}"`;
  });
}

export function codePolicy(s: JourneySession): Promise<Gate> {
  const actor = 'code-policy';
  return s.hop(G.codePolicy, { needs: [G.operatorSignIn.id], actor, closeAlways: [actor] }, async (g) => {
    const { page } = await s.actor(actor, s.state.operatorStorage);
    const vouchers = new VouchersPage(page, s.consoleOrigin, s.cfg.uiTimeoutMs);
    await vouchers.openFrom('/bss/vouchers');
    const seen: string[] = [];
    for (const v of POLICY_VIOLATIONS) {
      await g.step(`${v.code}: ${v.rule}`, async () => {
        await vouchers.openModal();
        await vouchers.fill({ code: v.code, creditOmr: 10 });
        const { outcome, sent } = await vouchers.submitExpectingRefusal();
        await s.shot(g, actor, actor, `issue modal after submitting ${v.code}`);
        if (outcome === 'accepted') fail(`the issue modal accepted ${v.code} (${v.rule})`);
        const text = (await vouchers.modalError.innerText()).trim();
        const ok = v.exact ? text === v.message : text.startsWith(v.message);
        if (!ok) fail(`the modal said "${text}" for ${v.code}; the policy's message is "${v.message}${v.exact ? '' : '…'}"`);
        await vouchers.cancelModal();
        if (await vouchers.row(v.code).count()) fail(`${v.code} was issued despite breaking the policy`);
        seen.push(`${v.code} → "${text}"${sent ? ' (refused by the server)' : ' (refused in the browser)'}`);
        return text;
      });
    }
    return seen.join('; ');
  });
}
