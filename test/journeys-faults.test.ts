/**
 * Each journey fault of the sim fails the gate that owns it — with the reason naming the root
 * cause and a screenshot of where the journey stopped — and leaves the independent gates alone.
 * These faults own overlapping gates (the voucher mail blocks everything after it, both
 * Organization faults own organization-ready), so each gets a world of its own; the faults
 * whose gates are disjoint (redeem-link-plain, nats-event-missing and the negative-path faults)
 * share journeys-negative-faults' world.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Gate } from '../src/gates/types.js';
import { journeyConfig, type JourneyConfig } from '../src/suites/journeys/config.js';
import { runJourneys } from '../src/suites/journeys/run.js';
import { startJourneyWorld, type JourneyWorld } from './journeys-fixture.js';

const FLOW = /operator-sign-in|voucher-issue|voucher-email|redeem$|funnel|checkout|organization-ready|console-handover|d35/;

/** A describe's world: started with `fault` in its `before`, the flow gates walked once, stopped in its `after`. */
function faultWorld(fault: string, over: Partial<JourneyConfig> = {}): { gates: () => Map<string, Gate> } {
  let world: JourneyWorld | undefined;
  let gates: Map<string, Gate> | undefined;
  before(async () => {
    world = await startJourneyWorld(`journeys-${fault}`, [fault]);
    const cfg = journeyConfig(world.h.ctx, { mailTimeoutMs: 3_000, orgReadyDeadlineMs: 3_000, uiTimeoutMs: 10_000, handoverTimeoutMs: 10_000, ...over });
    gates = new Map((await runJourneys(world.h, cfg, (id) => FLOW.test(id))).gates.map((g) => [g.id, g]));
  });
  after(async () => {
    await world?.stop();
  });
  return { gates: () => gates ?? assert.fail(`the ${fault} walk did not run`) };
}

function expectFailed(gates: Map<string, Gate>, id: string, reason: RegExp): Gate {
  const g = gates.get(id);
  assert.ok(g, `${id} missing`);
  assert.equal(g.status, 'failed', `${id} is ${g.status}: ${g.reason}`);
  assert.match(g.reason, reason);
  assert.ok(g.evidence.some((e) => e.kind === 'screenshot'), `${id} has no screenshot of where it stopped`);
  return g;
}

function expectStatus(gates: Map<string, Gate>, ids: string[], status: Gate['status']): void {
  for (const id of ids) assert.equal(gates.get(id)?.status, status, `${id}: ${gates.get(id)?.reason}`);
}

const d35Number = (gates: Map<string, Gate>) => gates.get('journeys/d35-event-latency')?.metrics?.d35LatencyMs;

describe('voucher-mail-missing', () => {
  const w = faultWorld('voucher-mail-missing');
  it('fails voucher-email with the inbox as it stood and blocks what needs the mail', () => {
    const gates = w.gates();
    expectStatus(gates, ['journeys/operator-sign-in', 'journeys/voucher-issue'], 'passed');
    expectFailed(gates, 'journeys/voucher-email', /no mail to customer@sovereign-walk\.test with subject \/voucher\/i/);
    const redeem = gates.get('journeys/redeem');
    assert.equal(redeem?.status, 'blocked');
    assert.equal(redeem?.rootCause, 'journeys/voucher-email');
    assert.equal(gates.get('journeys/d35-event-latency')?.rootCause, 'journeys/voucher-email');
    assert.ok('d35LatencyMs' in (gates.get('journeys/d35-event-latency')?.metrics ?? {}), 'D35 reports its metric even when blocked');
  });
});

describe('org-slow', () => {
  const w = faultWorld('org-slow');
  it('fails organization-ready on the deadline, with the launching page', () => {
    const gates = w.gates();
    expectStatus(gates, ['journeys/checkout', 'journeys/d35-event-latency'], 'passed');
    const g = expectFailed(gates, 'journeys/organization-ready', /not reconciled within 3\.0 s of its creation; last seen: vcluster=Provisioning .*Ready=False \(Reconciling/);
    assert.ok(g.evidence.some((e) => e.kind === 'yaml'), 'the Organization YAML');
    assert.equal(gates.get('journeys/console-handover')?.rootCause, 'journeys/organization-ready');
    assert.equal(typeof d35Number(gates), 'number');
  });
});

describe('org-failing', () => {
  const w = faultWorld('org-failing');
  it('fails organization-ready on the vCluster phase', () => {
    const gates = w.gates();
    expectStatus(gates, ['journeys/checkout'], 'passed');
    expectFailed(gates, 'journeys/organization-ready', /vCluster phase Failed; .*VClusterFailed/);
    assert.equal(gates.get('journeys/console-handover')?.status, 'blocked');
    assert.equal(typeof d35Number(gates), 'number');
  });
});
