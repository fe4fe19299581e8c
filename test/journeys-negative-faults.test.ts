/**
 * Faults whose gates are disjoint, in one world, each failing exactly the gate it owns with its
 * root cause named while every other gate passes:
 * - every negative-path gate can fail: vouchers, PIN lock, code policy and subdomain check broken
 *   (five faults, each owned by different gates), while the Pillar-1 flow itself still passes;
 * - redeem-link-plain owns voucher-email's link contract: the walk that expects the DoD's
 *   `/redeem/?code=` form fails voucher-email, the walk configured for the plain form passes it
 *   (and is the walk the negative gates are judged on);
 * - nats-event-missing owns D35 (catalyst.tenant.created never published): D35 fails in both
 *   walks and still reports the latency it could measure; the Organization is Ready regardless.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Gate } from '../src/gates/types.js';
import { journeyConfig } from '../src/suites/journeys/config.js';
import { JOURNEY_GATE_ORDER } from '../src/suites/journeys/gates.js';
import { runJourneys } from '../src/suites/journeys/run.js';
import { startJourneyWorld, type JourneyWorld } from './journeys-fixture.js';

const NEGATIVE_FAULTS = ['voucher-preview-lenient', 'voucher-cap-ignored', 'pin-attempts-unlimited', 'code-policy-off', 'slug-check-off'];
const FAULTS = [...NEGATIVE_FAULTS, 'redeem-link-plain', 'nats-event-missing'];
const FLOW = /operator-sign-in|voucher-issue|voucher-email|redeem$|funnel|checkout|organization-ready|console-handover|d35/;
/** The Pillar-1 gates no fault of this world owns (voucher-email is redeem-link-plain's in the strict walk, D35 nats-event-missing's). */
const PILLAR_1 = ['operator-sign-in', 'voucher-issue', 'voucher-email', 'redeem', 'funnel', 'checkout', 'organization-ready', 'console-handover'];

let world: JourneyWorld | undefined;
/** The flow walked expecting the contract's `/redeem/?code=` link. */
let strict: Map<string, Gate>;
/** Every gate, walked expecting the plain `/redeem?code=` link the faulted mail carries. */
let gates: Map<string, Gate>;

before(async () => {
  world = await startJourneyWorld('journeys-negative-faults', FAULTS);
  const timeouts = { mailTimeoutMs: 5_000, orgReadyDeadlineMs: 10_000, uiTimeoutMs: 8_000, handoverTimeoutMs: 15_000 };
  const walk = async (cfg: ReturnType<typeof journeyConfig>, only?: (id: string) => boolean) => new Map((await runJourneys(world!.h, cfg, only)).gates.map((g) => [g.id, g]));
  strict = await walk(journeyConfig(world.h.ctx, { ...timeouts, redeemLinkForm: 'slash' }), (id) => FLOW.test(id));
  gates = await walk(journeyConfig(world.h.ctx, { ...timeouts, redeemLinkForm: 'plain' }));
});

after(async () => {
  await world?.stop();
});

function failed(id: string, reason: RegExp): void {
  const g = gates.get(id);
  assert.equal(g?.status, 'failed', `${id} is ${g?.status}: ${g?.reason}`);
  assert.match(g?.reason ?? '', reason);
}

describe('redeem-link-plain', () => {
  it('fails voucher-email on the contract and leaves the rest of the flow alone', () => {
    const g = strict.get('journeys/voucher-email');
    assert.equal(g?.status, 'failed', `voucher-email is ${g?.status}: ${g?.reason}`);
    assert.match(g?.reason ?? '', /redeem\?code=SW-[A-Z0-9-]+ \(form "plain"\); expected https:\/\/marketplace\.sim\.sovereign-walk\.test\/redeem\/\?code=/);
    assert.ok(g?.evidence.some((e) => e.kind === 'screenshot'), 'voucher-email has no screenshot of where it stopped');
    for (const id of PILLAR_1.filter((x) => x !== 'voucher-email')) assert.equal(strict.get(`journeys/${id}`)?.status, 'passed', `${id}: ${strict.get(`journeys/${id}`)?.reason}`);
    assertD35OnlyMissesTenantCreated(strict);
  });

  it('passes voucher-email when the plain form is configured', () => {
    assert.equal(gates.get('journeys/voucher-email')?.status, 'passed', gates.get('journeys/voucher-email')?.reason);
    assert.match(gates.get('journeys/voucher-email')?.reason ?? '', /plain form/);
  });
});

/** D35 failed on nats-event-missing alone: tenant.created unpublished, order.placed measured. */
function assertD35OnlyMissesTenantCreated(walk: Map<string, Gate>): void {
  const g = walk.get('journeys/d35-event-latency');
  assert.equal(g?.status, 'failed', `d35 is ${g?.status}: ${g?.reason}`);
  assert.match(g?.reason ?? '', /catalyst\.tenant\.created was not published for this order/);
  assert.equal(g?.metrics?.d35TenantCreatedMs, null);
  assert.equal(typeof g?.metrics?.d35OrderPlacedMs, 'number', 'catalyst.order.placed was measured');
  assert.equal(typeof g?.metrics?.d35LatencyMs, 'number', 'D35 reports the latency it could measure');
}

describe('nats-event-missing', () => {
  it('fails D35 and still reports the latency it could measure; the Organization is Ready and handed over regardless', () => {
    assertD35OnlyMissesTenantCreated(gates);
    for (const id of ['organization-ready', 'console-handover']) assert.equal(gates.get(`journeys/${id}`)?.status, 'passed', `${id}: ${gates.get(`journeys/${id}`)?.reason}`);
  });
});

describe('negative paths on a sim with broken rules', () => {
  it('still passes the Pillar-1 flow (D35 aside, which nats-event-missing owns)', () => {
    for (const id of PILLAR_1) assert.equal(gates.get(`journeys/${id}`)?.status, 'passed', `${id}: ${gates.get(`journeys/${id}`)?.reason}`);
  });

  it('fails exactly the gates the faults own, every one of them judged', () => {
    assert.deepEqual([...gates.keys()], JOURNEY_GATE_ORDER);
    const owned = ['d35-event-latency', 'redeem-unknown-code', 'redeem-inactive-ended', 'redeem-exhausted-ended', 'redemption-past-cap-refused', 'wrong-pin-attempts', 'slug-taken', 'code-policy-refused'].map((id) => `journeys/${id}`);
    const notPassed = [...gates.values()].filter((g) => g.status !== 'passed');
    assert.deepEqual(notPassed.map((g) => `${g.id} ${g.status}`).sort(), owned.map((id) => `${id} failed`).sort());
  });

  it('voucher-preview-lenient fails the unknown, inactive and exhausted redeems', () => {
    failed('journeys/redeem-unknown-code', /says "Voucher valid", expected "Voucher not valid"/);
    failed('journeys/redeem-inactive-ended', /says "Voucher valid", expected "This campaign has ended"/);
    failed('journeys/redeem-exhausted-ended', /says "Voucher valid", expected "This campaign has ended"/);
  });

  it('voucher-cap-ignored fails the past-cap checkout', () => {
    failed('journeys/redemption-past-cap-refused', /past max_redemptions 1 was accepted \(HTTP 200, paid by credit\)/);
  });

  it('pin-attempts-unlimited fails the wrong-PIN gate', () => {
    failed('journeys/wrong-pin-attempts', /wrong PIN #1: attemptsRemaining 3, expected 2/);
  });

  it('code-policy-off fails the code-policy gate', () => {
    failed('journeys/code-policy-refused', /the issue modal accepted SW-SHORT-1 \(fewer than 12 characters\)/);
  });

  it('slug-check-off fails the taken-subdomain gate', () => {
    failed('journeys/slug-taken', /says "✓ sw-[a-z0-9]+ is available" for the taken subdomain/);
  });
});
