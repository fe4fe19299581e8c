/**
 * Every negative-path gate can fail: a sim whose vouchers, PIN lock, code policy and subdomain
 * check are broken (five faults at once, each owned by different gates) fails exactly those
 * gates, with the broken rule named, while the Pillar-1 flow itself still passes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../sim/index.js';
import { installJourneys } from '../sim/journeys/index.js';
import { loadKit } from '../src/kit/load.js';
import { Harness } from '../src/run/harness.js';
import type { RunContext, WalkOptions } from '../src/run/context.js';
import type { Gate } from '../src/gates/types.js';
import { journeyConfig } from '../src/suites/journeys/config.js';
import { runJourneys } from '../src/suites/journeys/run.js';

const FAULTS = ['voucher-preview-lenient', 'voucher-cap-ignored', 'pin-attempts-unlimited', 'code-policy-off', 'slug-check-off'];

let sim: RunningSim;
let h: Harness;
let runDir: string;
let gates: Map<string, Gate>;

before(async () => {
  runDir = mkdtempSync(join(tmpdir(), 'sw-journeys-negative-'));
  sim = await startSim({ kit: loadKit('fixtures/bootstrap-kit-48.json'), faults: FAULTS.map((kind) => ({ kind })) });
  await installJourneys(sim.ctx);
  const options = { operatorSession: false, operatorEmail: 'operator@sovereign-walk.test', customerEmail: 'customer@sovereign-walk.test', redeemLinkForm: 'slash' } as WalkOptions;
  const ctx: RunContext = { runId: 'journeys-negative-faults', runDir, target: sim.target, options, startedAt: new Date().toISOString() };
  h = new Harness(ctx);
  const cfg = journeyConfig(ctx, { mailTimeoutMs: 5_000, orgReadyDeadlineMs: 10_000, uiTimeoutMs: 8_000, handoverTimeoutMs: 15_000 });
  gates = new Map((await runJourneys(h, cfg)).gates.map((g) => [g.id, g]));
});

after(async () => {
  await h?.close();
  await sim?.stop();
  rmSync(runDir, { recursive: true, force: true });
});

function failed(id: string, reason: RegExp): void {
  const g = gates.get(id);
  assert.equal(g?.status, 'failed', `${id} is ${g?.status}: ${g?.reason}`);
  assert.match(g?.reason ?? '', reason);
}

describe('negative paths on a sim with broken rules', () => {
  it('still passes the Pillar-1 flow', () => {
    for (const id of ['operator-sign-in', 'voucher-issue', 'voucher-email', 'redeem', 'funnel', 'checkout', 'organization-ready', 'console-handover', 'd35-event-latency']) {
      assert.equal(gates.get(`journeys/${id}`)?.status, 'passed', `${id}: ${gates.get(`journeys/${id}`)?.reason}`);
    }
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
