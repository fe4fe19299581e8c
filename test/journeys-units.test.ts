/**
 * The journeys suite's pure parts (D35 arithmetic, mail reading, HAR hygiene, code policy,
 * Organization judgement), the catalyst.> tap against a real nats-server, and the sim's PIN and
 * voucher rules.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureD35 } from '../src/suites/journeys/d35.js';
import { contractLink, linkForm, readPin, redeemLinks } from '../src/suites/journeys/mail-content.js';
import { harEvidence } from '../src/suites/journeys/har.js';
import { generateVoucherCode, meetsPolicy, POLICY_VIOLATIONS } from '../src/suites/journeys/code-policy.js';
import { isFailed, isReconciled, snapshot } from '../src/suites/journeys/org-watch.js';
import { HopFailure } from '../src/suites/journeys/hop.js';
import { CatalystTap, NoCatalystStreamError, subjectMatches, type TappedEvent } from '../src/nats/catalyst-tap.js';
import { redact } from '../src/evidence/redact.js';
import type { Message } from '../src/mail/mailbox.js';
import type { KubeObject } from '../src/target/objects.js';
import { CATALYST_STREAM, installNats, type NatsSimContext, type SimNats } from '../sim/nats/index.js';
import { PinAuth, PIN_RATE_WINDOW_MS } from '../sim/journeys/pin-auth.js';
import { VoucherBook, codePolicyError } from '../sim/journeys/vouchers.js';

const event = (subject: string, storedAtMs: number, envelope: TappedEvent['envelope']): TappedEvent => ({ subject, stream: 'CATALYST', streamSeq: 1, storedAtMs, receivedAtMs: storedAtMs + 1, envelope });
const mail = (over: Partial<Message>): Message => ({ id: '1', from: 'a@b', to: ['c@d'], subject: '', date: new Date().toISOString(), text: '', html: '', headers: {}, ...over });

describe('D35 measurement', () => {
  const tenantCreated = event('catalyst.tenant.created', 1_000, { tenant_id: 't1', data: { id: 't1', slug: 'acme', order_id: 'o1' } });
  const orderPlaced = event('catalyst.order.placed', 900, { tenant_id: 't1', data: { order_id: 'o1' } });
  const otherTenant = event('catalyst.tenant.created', 950, { tenant_id: 't2', data: { id: 't2', slug: 'other' } });

  it('takes reconcile start minus the JetStream time, per event, and reports the worse', () => {
    const d = measureD35([otherTenant, orderPlaced, tenantCreated], { slug: 'acme', tenantId: 't1' }, 1_250);
    assert.equal(d.tenantCreatedMs, 250);
    assert.equal(d.orderPlacedMs, 350);
    assert.equal(d.latencyMs, 350);
  });

  it('matches order.placed by the order id tenant.created names', () => {
    const byOrder = event('catalyst.order.placed', 900, { data: { order_id: 'o1' } });
    assert.equal(measureD35([byOrder, tenantCreated], { slug: 'acme' }, 1_100).orderPlaced, byOrder);
  });

  it('reports missing events and a missing reconcile start as null', () => {
    const d = measureD35([orderPlaced], { slug: 'acme', tenantId: 't1' }, 1_000);
    assert.equal(d.tenantCreated, undefined);
    assert.equal(d.tenantCreatedMs, null);
    assert.equal(d.latencyMs, 100);
    assert.equal(measureD35([orderPlaced, tenantCreated], { slug: 'acme', tenantId: 't1' }, undefined).latencyMs, null);
  });
});

describe('reading mail', () => {
  it('reads a PIN from the subject or a spaced-out body and registers it as a secret', () => {
    assert.equal(readPin(mail({ subject: 'Your OpenOva sign-in code: 482913' })), '482913');
    assert.equal(readPin(mail({ subject: 'Your login code', text: 'Your code is\n\n  7 0 4 1 5 6\n' })), '704156');
    assert.equal(redact('typed 704156 into the form'), 'typed [REDACTED] into the form');
    assert.throws(() => readPin(mail({ subject: 'Welcome', text: 'no code here' })), HopFailure);
  });

  it('finds redeem links in text and HTML and tells their form', () => {
    const m = mail({
      text: 'Redeem: https://marketplace.s.example/redeem/?code=SW-AAAA-BBBBCCCC',
      html: '<a href="https://marketplace.s.example/redeem?code=SW-AAAA-BBBBCCCC&amp;utm=x">Redeem</a>',
    });
    const links = redeemLinks(m);
    assert.deepEqual(links, ['https://marketplace.s.example/redeem/?code=SW-AAAA-BBBBCCCC', 'https://marketplace.s.example/redeem?code=SW-AAAA-BBBBCCCC&utm=x']);
    assert.deepEqual(links.map(linkForm), ['slash', 'plain']);
    assert.equal(contractLink('s.example', 'X', 'slash'), 'https://marketplace.s.example/redeem/?code=X');
  });
});

describe('HAR evidence', () => {
  const har = JSON.stringify({
    log: {
      entries: [
        {
          request: {
            url: 'https://console.s.example/api/v1/auth/pin/verify',
            headers: [{ name: 'Cookie', value: 'a=first-cookie-value; catalyst_session=sess-abcdef' }],
            postData: { text: JSON.stringify({ email: 'o@s.example', pin: '135792', requestId: 'r1' }) },
          },
          response: { headers: [{ name: 'set-cookie', value: 'catalyst_session=sess-ghijkl; Path=/; HttpOnly' }], content: { text: '{"ok":true}' } },
          time: 1357920.5,
        },
        {
          request: { url: 'https://m.s.example/launching?host=h&token=tok-mnopqr', queryString: [{ name: 'token', value: 'tok-mnopqr' }], headers: [{ name: 'Authorization', value: 'Bearer bear-stuvwx' }] },
          response: { content: { text: '{}' } },
        },
        {
          request: { url: 'https://m.s.example/api/billing/vouchers/redeem-preview', postData: { text: '{"code":"SW-KEEP-VISIBLE1"}' } },
          response: { content: { text: '{"code":"SW-KEEP-VISIBLE1"}' } },
        },
      ],
    },
  });

  it('masks every credential but keeps numbers and voucher codes', () => {
    const out = harEvidence(har).toString('utf8');
    const parsed = JSON.parse(out) as { log: { entries: { time?: number }[] } };
    for (const secret of ['first-cookie-value', 'sess-abcdef', 'sess-ghijkl', '135792"', 'tok-mnopqr', 'bear-stuvwx']) assert.ok(!out.includes(secret), `${secret} leaked`);
    assert.equal(parsed.log.entries[0].time, 1357920.5, 'numbers are not redacted');
    assert.match(out, /SW-KEEP-VISIBLE1/);
  });
});

describe('voucher code policy', () => {
  it('generates compliant codes and knows codes that break it', () => {
    for (let i = 0; i < 50; i++) assert.ok(meetsPolicy(generateVoucherCode('run-42')));
    assert.ok(meetsPolicy(''), 'blank means server-generated');
    for (const v of POLICY_VIOLATIONS) {
      assert.ok(!meetsPolicy(v.code), v.code);
      assert.ok(codePolicyError(v.code)?.startsWith(v.message), `the sim refuses ${v.code} with the policy's message`);
    }
  });
});

describe('Organization judgement', () => {
  const org = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'orgs.openova.io/v1', kind: 'Organization', metadata: { name: 'acme' }, status });
  it('needs vCluster Ready, Keycloak group, Gitea org and Ready=True', () => {
    const ready = { vcluster: { phase: 'Ready' }, keycloakGroup: { id: 'k' }, giteaOrg: { name: 'acme' }, conditions: [{ type: 'Ready', status: 'True' }] };
    assert.ok(isReconciled(snapshot(org(ready))));
    assert.ok(!isReconciled(snapshot(org({ ...ready, giteaOrg: {} }))));
    assert.ok(!isReconciled(snapshot(org({ ...ready, conditions: [{ type: 'Ready', status: 'False' }] }))));
    assert.ok(isFailed(snapshot(org({ vcluster: { phase: 'Failed' } }))));
    assert.ok(!snapshot(org({})).hasStatus);
  });
});

describe('catalyst.> tap on nats-server', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'sw-tap-'));
  const ctx: NatsSimContext = { dir, targetExtras: {}, onStop: (fn) => void cleanups.push(fn) };
  let nats: SimNats;

  before(async () => {
    nats = await installNats(ctx);
  });

  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees events published after its start time, with JetStream and envelope times', async () => {
    const tap = await CatalystTap.start(nats.url, new Date(Date.now() - 1_000));
    try {
      const ts = new Date().toISOString();
      await nats.publishCatalyst({ id: 'e1', type: 'tenant.created', source: 'tenant', timestamp: ts, tenant_id: 't1', data: { slug: 'acme' }, metadata: {} });
      const e = await tap.waitFor((x) => x.subject === 'catalyst.tenant.created', 3_000);
      assert.ok(e);
      assert.equal(e.envelope?.data?.slug, 'acme');
      assert.equal(e.envelopeAtMs, Date.parse(ts));
      assert.ok(Math.abs(e.storedAtMs - Date.parse(ts)) < 1_000);
      assert.equal(await tap.waitFor((x) => x.subject === 'catalyst.order.placed', 200), undefined);
    } finally {
      await tap.stop();
    }
  });

  it('refuses a server without a stream for catalyst.>', async () => {
    const jsm = await nats.nc.jetstreamManager();
    await jsm.streams.delete(CATALYST_STREAM);
    await assert.rejects(CatalystTap.start(nats.url, new Date()), NoCatalystStreamError);
  });

  it('matches NATS wildcards', () => {
    assert.ok(subjectMatches('catalyst.>', 'catalyst.tenant.created'));
    assert.ok(!subjectMatches('catalyst.>', 'catalyst'));
    assert.ok(subjectMatches('catalyst.*.created', 'catalyst.tenant.created'));
    assert.ok(!subjectMatches('catalyst.*', 'catalyst.tenant.created'));
  });
});

describe('sim rules', () => {
  it('PIN sign-in: one PIN per rate window, two wrong tries reported, the third locks the request', () => {
    const pins = new PinAuth();
    const r = pins.issue('Ops@S.example');
    assert.ok(r);
    assert.equal(pins.issue('ops@s.example'), undefined, `a repeat within ${PIN_RATE_WINDOW_MS} ms is refused`);
    const wrong = r.pin === '000000' ? '111111' : '000000';
    assert.deepEqual(pins.verify('ops@s.example', wrong, r.requestId), { status: 401, body: { error: 'pin-invalid', attemptsRemaining: 2 } });
    assert.deepEqual(pins.verify('ops@s.example', wrong, r.requestId), { status: 401, body: { error: 'pin-invalid', attemptsRemaining: 1 } });
    assert.deepEqual(pins.verify('ops@s.example', wrong, r.requestId), { status: 410, body: { error: 'attempts-exceeded' } });
    assert.deepEqual(pins.verify('ops@s.example', r.pin, r.requestId), { status: 410, body: { error: 'attempts-exceeded' } });
    assert.deepEqual(pins.verify('ops@s.example', '123456', 'no-such-request'), { status: 410, body: { error: 'pin-expired' } });
  });

  it('vouchers: 404 unknown or revoked, 410 inactive or exhausted, 200 otherwise', () => {
    const book = new VoucherBook();
    book.issue({ code: 'sw-live-abcdef12', credit_omr: 50, max_redemptions: 1 });
    book.issue({ code: 'SW-OFF-ABCDEF12', credit_omr: 50, active: false });
    assert.equal(book.preview('SW-LIVE-ABCDEF12').status, 200);
    assert.equal(book.preview('SW-OFF-ABCDEF12').status, 410);
    assert.equal(book.preview('SW-NONE').status, 404);
    book.redeem('SW-LIVE-ABCDEF12', 'acme');
    assert.equal(book.preview('SW-LIVE-ABCDEF12').status, 410);
    assert.ok(book.revoke('SW-OFF-ABCDEF12'));
    assert.equal(book.preview('SW-OFF-ABCDEF12').status, 404);
    assert.match(book.issue({ code: '', credit_omr: 5 }).code, /^VCH-[A-Z0-9]{12}$/);
  });
});
