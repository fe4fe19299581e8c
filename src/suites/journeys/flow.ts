/**
 * The Pillar-1 flow, one gate per hop: operator sign-in → voucher issued → voucher mail →
 * redeem → funnel → checkout → Organization Ready → tenant console. Nobody touches kubectl:
 * the only cluster access is the Organization watch that times the reconcile.
 */
import { stringify } from 'yaml';
import type { Gate } from '../../gates/types.js';
import type { GateRun } from '../../gates/gate-run.js';
import { registerSecret } from '../../evidence/redact.js';
import { AUTO_CODE, generateVoucherCode, meetsPolicy } from './code-policy.js';
import { browserFetch, callCausedBy, expectUrl, expectVisible, fail, responseBody, type ApiCall } from './hop.js';
import { contractLink, linkForm, mailEvidence, readPin, redeemLinks } from './mail-content.js';
import { G } from './gates.js';
import { isFailed, isReconciled, type OrgEvent } from './org-watch.js';
import type { JourneySession } from './session.js';
import { ConsoleLoginPage } from './pages/console-login.js';
import { VouchersPage } from './pages/vouchers.js';
import { FunnelPages, RedeemPage } from './pages/marketplace.js';
import { CheckoutPage } from './pages/checkout.js';
import { LaunchingPage, TenantConsolePage } from './pages/launching.js';

const LEGACY_VOUCHERS_PATH = '/bss/vouchers';
const TOPOLOGY = 'active-hot-standby';
/** Keys the org-create request must carry (`POST /api/tenant/orgs`, §4.3). */
const ORG_CREATE_KEYS = ['slug', 'name', 'plan_id', 'apps', 'addons', 'parent_domain'] as const;

const iso = (ms: number) => new Date(ms).toISOString();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function apiError(c: ApiCall): string {
  const e = c.body.error ?? c.body.message;
  return `HTTP ${c.status}${typeof e === 'string' ? ` ${e}` : ''}`;
}

/** Asks for a console PIN; a rate-limited ask (429) is retried after Retry-After, within the configured bound. */
export async function requestConsolePin(s: JourneySession, login: ConsoleLoginPage, email: string): Promise<ApiCall> {
  const deadline = Date.now() + s.cfg.maxRateLimitWaitMs;
  for (;;) {
    const call = await login.requestPin(email);
    if (call.status !== 429) return call;
    const retryAfter = Number((await call.request.response())?.headers()['retry-after'] ?? 5);
    const wait = Math.max(1, Number.isFinite(retryAfter) ? retryAfter : 5) * 1000;
    if (Date.now() + wait > deadline) return call;
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** Checks the session cookie catalyst-api set: present, HttpOnly, Secure, SameSite=Lax. Registers its value. */
async function checkSessionCookie(s: JourneySession, actor: string, origin: string): Promise<void> {
  const a = s.actors.get(actor);
  const cookies = (await a?.context.cookies(origin)) ?? [];
  for (const c of cookies) registerSecret(c.value);
  const session = cookies.find((c) => c.name === 'catalyst_session');
  if (!session) fail(`no catalyst_session cookie for ${origin} after sign-in (cookies: ${cookies.map((c) => c.name).join(', ') || 'none'})`);
  const flaws = [!session.httpOnly && 'not HttpOnly', !session.secure && 'not Secure', session.sameSite !== 'Lax' && `SameSite=${session.sameSite}`].filter(Boolean);
  if (flaws.length) fail(`catalyst_session cookie is ${flaws.join(', ')} (expected HttpOnly, Secure, SameSite=Lax)`);
}

export function operatorSignIn(s: JourneySession): Promise<Gate> {
  return s.hop(G.operatorSignIn, { needs: [], actor: 'operator', closeOnFailure: ['operator'] }, async (g) => {
    const { page, context } = await s.actor('operator');
    const email = s.cfg.operatorEmail;
    if (s.cfg.operatorSession) {
      await page.goto(`${s.consoleOrigin}/login`);
      const r = await g.step('POST /api/v1/auth/test-session?tier=operator', async () => {
        const res = await browserFetch(page, '/api/v1/auth/test-session?tier=operator', { method: 'POST' });
        if (res.status === 404) fail('the test-session endpoint answered 404: CATALYST_TEST_SESSION_ENABLED is not set on this Sovereign (run without operatorSession to sign in by PIN)');
        if (res.status !== 200) fail(`the test-session endpoint answered HTTP ${res.status}`);
        return res.status;
      }, (st) => `HTTP ${st}`);
      await checkSessionCookie(s, 'operator', s.consoleOrigin);
      s.state.operatorStorage = await context.storageState();
      await page.goto(`${s.consoleOrigin}/dashboard`);
      await s.shot(g, 'operator', 'operator-session', 'console with the test session');
      return `tier session from the test-session endpoint (HTTP ${r})`;
    }
    const login = new ConsoleLoginPage(page, s.consoleOrigin, s.cfg.uiTimeoutMs);
    await g.step('open console.<sov>/login', () => login.open());
    await s.shot(g, 'operator', 'console-login', 'console sign-in page');
    const since = Date.now();
    const issue = await g.step('POST /api/v1/auth/pin/issue', async () => {
      const c = await requestConsolePin(s, login, email);
      if (c.status !== 200) fail(`PIN issue answered ${apiError(c)} (expected 200 {ok, sent, requestId, expiresInSec})`);
      const b = c.body;
      if (b.ok !== true || b.sent !== true || typeof b.requestId !== 'string' || typeof b.expiresInSec !== 'number') {
        fail(`PIN issue body ${JSON.stringify(b)} lacks {ok:true, sent:true, requestId, expiresInSec}`);
      }
      return b.requestId;
    }, (id) => `requestId ${id}`);
    const verifyUrl = await g.step('route to /login/verify with the requestId', async () => {
      const u = await login.verifyUrl();
      if (u.searchParams.get('requestId') !== issue) fail(`the verify page carries requestId ${u.searchParams.get('requestId')}, not ${issue}`);
      return u;
    });
    const mail = await g.step('PIN mail arrives', () =>
      s.waitForMail(g, { to: email, subjectMatches: /sign-in code/i, since, timeoutMs: s.cfg.mailTimeoutMs }),
    (m) => `"${m.subject}" at ${m.date}`);
    const pin = readPin(mail);
    g.attach(s.h.evidence.write({ surface: 'journey-pin-mail-operator', kind: 'email', ext: 'json', content: JSON.stringify(mailEvidence(mail, { body: false }), null, 2), description: 'operator PIN mail (code redacted)' }));
    if (verifyUrl.href.includes(pin)) fail('the PIN appears in the verify page URL');
    await login.enterPin(pin);
    await s.shot(g, 'operator', 'console-verify', 'verify page with the PIN typed (masked)');
    await g.step('POST /api/v1/auth/pin/verify', async () => {
      const c = await login.submitPin();
      if (c.status !== 200 || c.body.ok !== true) fail(`PIN verify answered ${apiError(c)} (expected 200 {ok:true})`);
    });
    await g.step('catalyst_session cookie set', () => checkSessionCookie(s, 'operator', s.consoleOrigin));
    const landed = await g.step('leave the login pages', () => expectUrl(page, /^(?!\/login)/, 'after PIN verification', s.cfg.uiTimeoutMs), (u) => u.pathname);
    await s.shot(g, 'operator', 'console-landing', 'console after sign-in');
    s.state.operatorStorage = await context.storageState();
    return `signed in by e-mailed PIN; landed on ${landed.pathname}`;
  });
}

export function issueVoucher(s: JourneySession): Promise<Gate> {
  return s.hop(G.voucherIssue, { needs: [G.operatorSignIn.id], actor: 'operator', closeAlways: ['operator'] }, async (g) => {
    const actor = s.actors.get('operator') ?? fail('the operator session is gone');
    const vouchers = new VouchersPage(actor.page, s.consoleOrigin, s.cfg.uiTimeoutMs);
    const home = await g.step(`follow ${LEGACY_VOUCHERS_PATH}`, () => vouchers.openFrom(LEGACY_VOUCHERS_PATH), (p) => `${LEGACY_VOUCHERS_PATH} → ${p}`);
    await s.shot(g, 'operator', 'vouchers', `vouchers page (reached from ${LEGACY_VOUCHERS_PATH} at ${home})`);
    await vouchers.openModal();
    const typed = s.cfg.autoVoucherCode ? '' : generateVoucherCode(s.tag);
    await vouchers.fill({ code: typed, creditOmr: s.cfg.voucherCreditOmr, description: `sovereign-walk ${s.h.ctx.runId}`, maxRedemptions: 1, recipient: s.cfg.customerEmail });
    await s.shot(g, 'operator', 'issue-voucher-modal', 'issue modal filled in');
    s.state.voucherMailSince = Date.now();
    const call = await g.step('submit "Issue voucher"', async () => {
      const c = await vouchers.submit();
      if (c.status !== 200) fail(`voucher issue answered ${apiError(c)}`);
      return c;
    }, (c) => `HTTP ${c.status}`);
    const sent = call.request.postDataJSON() as Record<string, unknown>;
    g.attach(s.h.evidence.json('journey-voucher-issue-request', { request: sent, response: call.body }, 'the issue request the modal sent and the answer'));
    if (sent.active !== true || sent.credit_omr !== s.cfg.voucherCreditOmr || sent.recipient_email !== s.cfg.customerEmail) {
      fail(`the modal sent ${JSON.stringify(sent)}: expected active:true, credit_omr:${s.cfg.voucherCreditOmr}, recipient_email`);
    }
    const code = typeof call.body.code === 'string' ? call.body.code : fail(`the issue answer ${JSON.stringify(call.body)} names no code`);
    if (typed && code !== typed.toUpperCase()) fail(`issued code ${code} differs from the code typed (${typed})`);
    if (!typed && !AUTO_CODE.test(code)) fail(`the server-generated code ${code} is not of the form VCH-XXXXXXXXXXXX`);
    if (!meetsPolicy(code)) fail(`issued code ${code} breaks the code policy`);
    s.state.voucher = { code, creditOmr: s.cfg.voucherCreditOmr, maxRedemptions: 1 };
    await g.step(`row bss-voucher-row-${code} shows, status active`, async () => {
      await expectVisible(vouchers.row(code), `the row of ${code}`, s.cfg.uiTimeoutMs);
      const status = (await vouchers.status(code).innerText()).trim();
      if (!/^active$/i.test(status)) fail(`the new voucher's status is "${status}", not active`);
    });
    await s.shot(g, 'operator', 'voucher-row', `voucher ${code} listed`);
    return `${code} issued (${s.cfg.voucherCreditOmr} OMR, 1 redemption) via ${home}, row active`;
  });
}

export function voucherEmail(s: JourneySession): Promise<Gate> {
  return s.hop(G.voucherEmail, { needs: [G.voucherIssue.id] }, async (g) => {
    const v = s.state.voucher ?? fail('no voucher was issued');
    const code = v.code;
    const mail = await g.step('voucher mail arrives', () =>
      s.waitForMail(g, {
        to: s.cfg.customerEmail,
        subjectMatches: /voucher/i,
        bodyMatches: new RegExp(code.replace(/[^A-Z0-9]/gi, '.')),
        since: s.state.voucherMailSince ?? Date.now(),
        timeoutMs: s.cfg.mailTimeoutMs,
      }),
    (m) => `"${m.subject}" from ${m.from} at ${m.date}`);
    const links = redeemLinks(mail);
    const shown = mail.html || `<pre>${mail.text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string)}</pre>`;
    g.attach(await s.browser.renderShot(shown, 'voucher-mail', 'the voucher mail as the customer sees it'));
    g.attach(s.h.evidence.write({ surface: 'journey-voucher-mail', kind: 'email', ext: 'json', content: JSON.stringify(mailEvidence(mail, { body: true, links }), null, 2), description: 'voucher mail: headers, text and the redeem links found' }));
    const link = links.find((l) => new URL(l).searchParams.get('code') === code) ?? fail(`the voucher mail has no redeem link for ${code} (links: ${links.join(', ') || 'none'})`);
    s.state.redeemLink = link;
    const u = new URL(link);
    const form = linkForm(link);
    g.addStep({ name: 'redeem link', status: 'passed', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), detail: `${link} (form: ${form})` });
    if (u.protocol !== 'https:' || u.hostname !== `marketplace.${s.sovereign}`) fail(`the redeem link ${link} does not point at https://marketplace.${s.sovereign}`);
    const expected = contractLink(s.sovereign, code, s.cfg.redeemLinkForm);
    if (form !== s.cfg.redeemLinkForm) fail(`the redeem link is ${link} (form "${form}"); expected ${expected} (form "${s.cfg.redeemLinkForm}")`);
    return `mail received; redeem link ${link} matches the ${form} form`;
  });
}

export function redeem(s: JourneySession): Promise<Gate> {
  const runnable = () => (s.state.redeemLink ? undefined : s.blocker([G.voucherEmail.id]));
  return s.hop(G.redeem, { needs: [G.voucherEmail.id], runnable, actor: 'customer', closeOnFailure: ['customer'] }, async (g) => {
    const v = s.state.voucher ?? fail('no voucher');
    await g.step('start the Organization watch and the catalyst.> tap', () => s.startObservers(), () =>
      [s.state.orgWatchError, s.state.tapError ?? `tapping streams ${s.state.tap?.streams.join(', ')}`].filter(Boolean).join('; '),
    );
    const { page } = await s.actor('customer');
    const r = new RedeemPage(page, s.cfg.uiTimeoutMs);
    const { outcome, preview } = await g.step('open the redeem link', () => r.open(s.state.redeemLink as string), (o) => o.outcome);
    await s.shot(g, 'customer', 'redeem', 'redeem page verdict');
    if (outcome !== 'valid') fail(`the redeem page says "${outcome}" for a fresh voucher (redeem-preview ${preview ? apiError(preview) : 'not seen'})`);
    if (preview && (preview.status !== 200 || preview.body.accepting_redemptions !== true)) fail(`redeem-preview answered ${apiError(preview)} ${JSON.stringify(preview.body)}`);
    const credit = (await r.credit.innerText()).trim();
    if (!new RegExp(`\\b${v.creditOmr}\\b`).test(credit)) fail(`the credit shown ("${credit}") is not the ${v.creditOmr} OMR issued`);
    await r.cta.first().click();
    await expectUrl(page, /^\/plans\/?$/, 'the redeem call to action', s.cfg.uiTimeoutMs);
    return `"Voucher valid" with "${credit}"; on to /plans`;
  });
}

export function funnel(s: JourneySession): Promise<Gate> {
  return s.hop(G.funnel, { needs: [G.redeem.id], actor: 'customer', closeOnFailure: ['customer'] }, async (g) => {
    const page = s.page('customer') ?? fail('the customer session is gone');
    const f = new FunnelPages(page, s.cfg.uiTimeoutMs);
    await f.atPath('/plans', 'plans page');
    await s.shot(g, 'customer', 'plans', 'plans');
    const plan = await g.step('choose a plan', () => f.choosePlan(), (p) => p);
    await f.atPath('/apps', 'apps page');
    await s.shot(g, 'customer', 'apps', 'apps');
    const app = await g.step('choose an app', () => f.chooseApp(), (a) => a);
    await f.atPath('/addons', 'add-ons page');
    const avail = await g.step(`subdomain ${s.state.slug} on ${s.poolDomain}`, async () => {
      const a = await f.chooseSubdomain(s.state.slug, s.poolDomain);
      if (!/is available/.test(a.text)) fail(`availability check says "${a.text}" for the fresh subdomain ${s.state.slug}`);
      if (a.check && (a.check.status !== 200 || a.check.body.available !== true)) fail(`check-slug answered ${apiError(a.check)} ${JSON.stringify(a.check.body)}`);
      return a.text;
    }, (t) => t);
    await s.shot(g, 'customer', 'addons', 'add-ons with the subdomain available');
    await f.leaveAddons();
    await f.atPath('/bcp', 'BCP page');
    await g.step(`topology ${TOPOLOGY}`, () => f.chooseTopology(/active hot-?standby/i));
    await f.atPath('/review', 'review page');
    await s.shot(g, 'customer', 'review', 'order review');
    await f.review();
    await expectUrl(page, /^\/checkout\/?$/, 'the review page', s.cfg.uiTimeoutMs);
    return `plan ${plan}, app ${app || '(first)'}, ${avail}, ${TOPOLOGY}`;
  });
}

export function checkout(s: JourneySession): Promise<Gate> {
  return s.hop(G.checkout, { needs: [G.funnel.id], actor: 'customer', closeOnFailure: ['customer'] }, async (g) => {
    const page = s.page('customer') ?? fail('the customer session is gone');
    const v = s.state.voucher ?? fail('no voucher');
    const c = new CheckoutPage(page, s.cfg.uiTimeoutMs);
    const email = s.cfg.customerEmail;
    await expectVisible(c.heading, 'the checkout\'s "Sign in to continue"', s.cfg.uiTimeoutMs);
    await s.shot(g, 'customer', 'checkout-sign-in', 'checkout sign-in');
    const since = Date.now();
    await g.step('ask for a sign-in code', async () => {
      const r = await c.requestCode(email);
      if (r.status !== 200) fail(`the sign-in code request answered ${apiError(r)}`);
    });
    const mail = await g.step('sign-in code mail arrives', () => s.waitForMail(g, { to: email, subjectMatches: /code/i, since, timeoutMs: s.cfg.mailTimeoutMs }), (m) => `"${m.subject}" at ${m.date}`);
    const pin = readPin(mail);
    g.attach(s.h.evidence.write({ surface: 'journey-pin-mail-customer', kind: 'email', ext: 'json', content: JSON.stringify(mailEvidence(mail, { body: false }), null, 2), description: 'customer sign-in mail (code redacted)' }));
    await g.step('verify the PIN', async () => {
      const r = await c.enterCode(pin);
      for (const k of ['token', 'refresh_token']) if (typeof r.body[k] === 'string') registerSecret(r.body[k] as string);
      if (r.status !== 200 || typeof r.body.token !== 'string') fail(`PIN verification answered ${apiError(r)}`);
      s.state.customerToken = r.body.token;
    });
    await expectVisible(c.orgName, 'the "Organization name" field after sign-in', s.cfg.uiTimeoutMs);
    await c.orgName.fill(s.state.orgName);
    const fqdn = `${s.state.slug}.${s.poolDomain}`;
    await expectVisible(c.subdomainShown(fqdn), `the subdomain ${fqdn} on the order form`, s.cfg.uiTimeoutMs);
    await expectVisible(c.creditCovers, 'the voucher credit covering the order', s.cfg.uiTimeoutMs);
    await s.shot(g, 'customer', 'checkout-order', 'order form with the credit applied');

    const isOrgCreate = (method: string, url: string) => method === 'POST' && /\/api\/tenant\/orgs$/.test(new URL(url).pathname);
    // Caught here so a checkout that never creates the Organization fails the gate, not the process.
    const orgResponse = page.waitForResponse((r) => isOrgCreate(r.request().method(), r.url())).catch(() => undefined);
    const checkoutCall = await g.step('place the order', () =>
      callCausedBy(page, 'POST', /\/api\/billing\/checkout$/, 'checkout', s.cfg.uiTimeoutMs, () => c.placeOrder.click()),
    (x) => `checkout HTTP ${x.status}`);
    s.state.orderPlacedAtMs = Date.now();
    const orgRes = (await orgResponse) ?? fail('placing the order sent no POST /api/tenant/orgs');
    const body = orgRes.request().postDataJSON() as Record<string, unknown>;
    const tenant = await responseBody(page, orgRes);
    const checkoutBody = checkoutCall.request.postDataJSON() as Record<string, unknown>;
    g.attach(
      s.h.evidence.json(
        'journey-org-create',
        { orgCreate: { request: body, status: orgRes.status(), response: tenant }, checkout: { request: checkoutBody, status: checkoutCall.status, response: checkoutCall.body } },
        'the org-create and checkout requests captured from the browser',
      ),
    );
    await g.step('org-create request body', async () => {
      const missing = ORG_CREATE_KEYS.filter((k) => !(k in body));
      if (missing.length) fail(`POST /api/tenant/orgs body lacks ${missing.join(', ')} (keys: ${Object.keys(body).join(', ')})`);
      if (body.slug !== s.state.slug) fail(`org-create slug is ${String(body.slug)}, not ${s.state.slug}`);
      if (body.parent_domain !== s.poolDomain) fail(`org-create parent_domain is ${String(body.parent_domain)}, not the pool ${s.poolDomain}`);
      if (!Array.isArray(body.apps) || !Array.isArray(body.addons)) fail('org-create apps/addons are not arrays');
    }, () => `keys ${Object.keys(body).join(', ')}`);
    if (orgRes.status() < 200 || orgRes.status() > 299) fail(`POST /api/tenant/orgs answered HTTP ${orgRes.status()}`);
    const tenantId = typeof tenant.id === 'string' ? tenant.id : fail(`the org-create answer ${JSON.stringify(tenant)} has no id`);
    const consoleHost = typeof tenant.console_host === 'string' && tenant.console_host ? tenant.console_host : `console.${s.state.slug}.${s.poolDomain}`;
    s.state.tenant = { id: tenantId, consoleHost };
    s.state.planId = typeof body.plan_id === 'string' ? body.plan_id : undefined;
    await g.step('checkout request and answer', async () => {
      if (checkoutBody.promo_code !== v.code) fail(`checkout promo_code is ${String(checkoutBody.promo_code)}, not the voucher ${v.code}`);
      if (checkoutBody.topology !== TOPOLOGY) fail(`checkout topology is ${String(checkoutBody.topology)}, not ${TOPOLOGY}`);
      if (checkoutBody.tenant_id !== tenantId) fail(`checkout tenant_id ${String(checkoutBody.tenant_id)} is not the new Organization ${tenantId}`);
      if (checkoutCall.status !== 200) fail(`checkout answered ${apiError(checkoutCall)}`);
    });
    if (typeof checkoutCall.body.order_id === 'string') s.state.orderId = checkoutCall.body.order_id;
    const launching = await g.step('go to /launching', () => expectUrl(page, /^\/launching\/?$/, 'after checkout', s.cfg.uiTimeoutMs), (u) => `host=${u.searchParams.get('host')}`);
    registerSecret(launching.searchParams.get('token'));
    const host = launching.searchParams.get('host');
    if (host !== `console.${s.state.slug}.${s.poolDomain}`) fail(`the launching page hands over to ${host}, not console.${s.state.slug}.${s.poolDomain}`);
    await s.shot(g, 'customer', 'launching', 'launching page');
    return `Organization ${s.state.slug} created (${tenantId}); order ${s.state.orderId ?? '?'} paid by the voucher; launching for ${host}`;
  });
}

function describeOrg(e: OrgEvent | undefined): string {
  if (!e) return 'never seen';
  const s = e.snapshot;
  return `vcluster=${s.vclusterPhase ?? '-'} keycloakGroup=${s.keycloakGroup ? 'set' : '-'} giteaOrg=${s.giteaOrg ? 'set' : '-'} Ready=${s.ready ? `${s.ready.status}${s.ready.reason ? ` (${s.ready.reason}: ${s.ready.message ?? ''})` : ''}` : '-'}`;
}

function firstWhen(events: OrgEvent[], label: string, pred: (e: OrgEvent) => boolean, g: GateRun, base: number): void {
  const e = events.find(pred);
  const at = e ? iso(e.receivedAtMs) : new Date().toISOString();
  g.addStep({ name: label, status: e ? 'passed' : 'failed', startedAt: iso(base), finishedAt: at, detail: e ? `+${e.receivedAtMs - base} ms (watch event rv ${e.resourceVersion})` : 'not observed' });
}

export function organizationReady(s: JourneySession): Promise<Gate> {
  return s.hop(G.organization, { needs: [G.checkout.id], actor: 'customer', closeOnFailure: ['customer'] }, async (g) => {
    const slug = s.state.slug;
    if (s.state.orgWatchError) fail(s.state.orgWatchError);
    const placed = s.state.orderPlacedAtMs ?? Date.now();
    const deadline = s.cfg.orgReadyDeadlineMs;
    const created = await s.orgWatch.until(slug, (e) => e.type !== 'DELETED', placed + deadline);
    if (!created) fail(`no Organization with spec.slug=${slug} appeared within ${secs(deadline)} of the order`);
    if (created.initial) fail(`an Organization ${slug} existed before this journey's order`);
    const done = await s.orgWatch.until(slug, (e) => isReconciled(e.snapshot) || isFailed(e.snapshot) || e.type === 'DELETED', created.receivedAtMs + deadline);
    const events = s.orgWatch.eventsFor(slug);
    const last = events[events.length - 1];
    g.addStep({ name: 'Organization created (ADDED)', status: 'passed', startedAt: iso(placed), finishedAt: iso(created.receivedAtMs), detail: `${created.object.metadata.name}, +${created.receivedAtMs - placed} ms after the order` });
    const base = created.receivedAtMs;
    firstWhen(events, 'reconcile started (first status write)', (e) => e.snapshot.hasStatus, g, base);
    firstWhen(events, 'vCluster Ready', (e) => e.snapshot.vclusterPhase === 'Ready', g, base);
    firstWhen(events, 'Keycloak group', (e) => e.snapshot.keycloakGroup, g, base);
    firstWhen(events, 'Gitea org', (e) => e.snapshot.giteaOrg, g, base);
    firstWhen(events, 'Ready=True', (e) => e.snapshot.ready?.status === 'True', g, base);
    g.attach(s.h.evidence.write({ surface: `journey-organization-${slug}`, kind: 'yaml', ext: 'yaml', content: stringify(last.object), description: 'the Organization as last seen by the watch' }));
    g.attach(
      s.h.evidence.json(
        `journey-organization-${slug}-events`,
        events.map((e) => ({ type: e.type, receivedAt: iso(e.receivedAtMs), resourceVersion: e.resourceVersion, ...e.snapshot })),
        'Organization watch events with the times they arrived',
      ),
    );
    if (!done) fail(`Organization ${slug} not reconciled within ${secs(deadline)} of its creation; last seen: ${describeOrg(last)}`);
    if (done.type === 'DELETED') fail(`Organization ${slug} was deleted while reconciling`);
    if (isFailed(done.snapshot)) fail(`Organization ${slug}: vCluster phase Failed; ${describeOrg(done)}`);
    g.metric('orgReadyMs', done.receivedAtMs - created.receivedAtMs);
    await s.shot(g, 'customer', 'organization-ready', 'the customer\'s launching page when the Organization turned Ready');
    return `${slug} Ready ${done.receivedAtMs - created.receivedAtMs} ms after it appeared (vCluster, Keycloak group, Gitea org)`;
  });
}

export function consoleHandover(s: JourneySession): Promise<Gate> {
  return s.hop(G.handover, { needs: [G.organization.id], actor: 'customer', closeAlways: ['customer'] }, async (g) => {
    const page = s.page('customer') ?? fail('the customer session is gone');
    const host = s.state.tenant?.consoleHost ?? fail('no console host');
    const outcome = await g.step(`launching → ${host}/jobs`, () => new LaunchingPage(page).outcome(host, /^\/jobs\/?$/, s.cfg.handoverTimeoutMs), (o) => o);
    if (outcome === 'failed') fail('the launching page shows "Provisioning failed"');
    if (outcome === 'timeout') fail(`the browser never reached https://${host}/jobs within ${secs(s.cfg.handoverTimeoutMs)} (at ${page.url()})`);
    const handover = s.state.navigations.find((n) => {
      const u = new URL(n.url);
      return u.hostname === host && u.pathname === '/auth/org-handover' && u.searchParams.has('token');
    });
    for (const n of s.state.navigations) registerSecret(new URL(n.url).searchParams.get('token'));
    g.attach(s.h.evidence.json('journey-customer-navigations', s.state.navigations, 'top-level navigations of the customer browser (tokens redacted)'));
    if (!handover) fail(`the browser reached ${host} without passing /auth/org-handover?token=`);
    await g.step('catalyst_session on the per-Org console', () => checkSessionCookie(s, 'customer', `https://${host}`));
    const heading = await g.step('tenant console shows', async () => {
      const t = new TenantConsolePage(page);
      await expectVisible(t.heading, 'the tenant console heading', s.cfg.uiTimeoutMs);
      return (await t.heading.first().innerText()).trim();
    }, (h) => `heading "${h}"`);
    await s.shot(g, 'customer', 'tenant-console', `tenant console at ${host}`);
    return `handed over through /auth/org-handover to https://${host}/jobs ("${heading}")`;
  });
}
