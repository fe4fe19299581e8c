/**
 * Each journey fault of the sim fails the gate that owns it — with the reason naming the root
 * cause and a screenshot of where the journey stopped — and leaves the independent gates alone.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from '../sim/index.js';
import { installJourneys } from '../sim/journeys/index.js';
import { loadKit } from '../src/kit/load.js';
import { Harness } from '../src/run/harness.js';
import type { RunContext, WalkOptions } from '../src/run/context.js';
import type { Gate } from '../src/gates/types.js';
import { journeyConfig, type JourneyConfig } from '../src/suites/journeys/config.js';
import { runJourneys } from '../src/suites/journeys/run.js';

const FLOW = /operator-sign-in|voucher-issue|voucher-email|redeem$|funnel|checkout|organization-ready|console-handover|d35/;
const kit = loadKit('fixtures/bootstrap-kit-48.json');

/** Starts a sim with `fault`, walks the flow gates (twice when `configs` has two), stops it. */
async function walkWithFault(fault: string, configs: Partial<JourneyConfig>[] = [{}]): Promise<Map<string, Gate>[]> {
  const runDir = mkdtempSync(join(tmpdir(), `sw-journeys-${fault}-`));
  const sim = await startSim({ kit, faults: [{ kind: fault }] });
  const options = { operatorSession: false, operatorEmail: 'operator@sovereign-walk.test', customerEmail: 'customer@sovereign-walk.test', redeemLinkForm: 'slash' } as WalkOptions;
  let h: Harness | undefined;
  try {
    await installJourneys(sim.ctx);
    const ctx: RunContext = { runId: `fault-${fault}`, runDir, target: sim.target, options, startedAt: new Date().toISOString() };
    h = new Harness(ctx);
    const out: Map<string, Gate>[] = [];
    for (const over of configs) {
      const cfg = journeyConfig(ctx, { mailTimeoutMs: 3_000, orgReadyDeadlineMs: 3_000, uiTimeoutMs: 10_000, handoverTimeoutMs: 10_000, ...over });
      out.push(new Map((await runJourneys(h, cfg, (id) => FLOW.test(id))).gates.map((g) => [g.id, g])));
    }
    return out;
  } finally {
    await h?.close();
    await sim.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
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

describe('journey faults', () => {
  it('voucher-mail-missing fails voucher-email with the inbox as it stood', async () => {
    const [gates] = await walkWithFault('voucher-mail-missing');
    expectStatus(gates, ['journeys/operator-sign-in', 'journeys/voucher-issue'], 'passed');
    expectFailed(gates, 'journeys/voucher-email', /no mail to customer@sovereign-walk\.test with subject \/voucher\/i/);
    const redeem = gates.get('journeys/redeem');
    assert.equal(redeem?.status, 'blocked');
    assert.equal(redeem?.rootCause, 'journeys/voucher-email');
    assert.equal(gates.get('journeys/d35-event-latency')?.rootCause, 'journeys/voucher-email');
    assert.ok('d35LatencyMs' in (gates.get('journeys/d35-event-latency')?.metrics ?? {}), 'D35 reports its metric even when blocked');
  });

  it('redeem-link-plain fails voucher-email on the contract; the plain form passes when configured', async () => {
    const [strict, plain] = await walkWithFault('redeem-link-plain', [{}, { redeemLinkForm: 'plain' }]);
    expectFailed(strict, 'journeys/voucher-email', /redeem\?code=SW-[A-Z0-9-]+ \(form "plain"\); expected https:\/\/marketplace\.sim\.sovereign-walk\.test\/redeem\/\?code=/);
    expectStatus(strict, ['journeys/redeem', 'journeys/funnel', 'journeys/checkout', 'journeys/organization-ready', 'journeys/console-handover', 'journeys/d35-event-latency'], 'passed');
    expectStatus(plain, ['journeys/voucher-email'], 'passed');
    assert.match(plain.get('journeys/voucher-email')?.reason ?? '', /plain form/);
  });

  it('org-slow fails organization-ready on the deadline, with the launching page', async () => {
    const [gates] = await walkWithFault('org-slow');
    expectStatus(gates, ['journeys/checkout', 'journeys/d35-event-latency'], 'passed');
    const g = expectFailed(gates, 'journeys/organization-ready', /not reconciled within 3\.0 s of its creation; last seen: vcluster=Provisioning .*Ready=False \(Reconciling/);
    assert.ok(g.evidence.some((e) => e.kind === 'yaml'), 'the Organization YAML');
    assert.equal(gates.get('journeys/console-handover')?.rootCause, 'journeys/organization-ready');
    assert.equal(typeof d35Number(gates), 'number');
  });

  it('org-failing fails organization-ready on the vCluster phase', async () => {
    const [gates] = await walkWithFault('org-failing');
    expectFailed(gates, 'journeys/organization-ready', /vCluster phase Failed; .*VClusterFailed/);
    assert.equal(gates.get('journeys/console-handover')?.status, 'blocked');
    assert.equal(typeof d35Number(gates), 'number');
  });

  it('nats-event-missing fails D35 and still reports the latency it could measure', async () => {
    const [gates] = await walkWithFault('nats-event-missing');
    expectStatus(gates, ['journeys/organization-ready', 'journeys/console-handover'], 'passed');
    const g = gates.get('journeys/d35-event-latency');
    assert.equal(g?.status, 'failed');
    assert.match(g?.reason ?? '', /catalyst\.tenant\.created was not published for this order/);
    assert.equal(g?.metrics?.d35TenantCreatedMs, null);
    assert.equal(typeof d35Number(gates), 'number');
  });
});
