/** Failover on a target whose DR controller is not installed: every gate skipped with the reason, none passed or failed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EvidenceWriter } from '../src/evidence/writer.js';
import type { RunContext, WalkOptions } from '../src/run/context.js';
import { failoverGates } from '../src/suites/failover/gates.js';
import type { FailoverHarness, FailoverResult } from '../src/suites/failover/run.js';
import { kindTarget } from '../src/kind/target.js';
import { tempDir } from './helpers/temp.js';

test('the kind failover suite is skipped, never passed or failed, where the Continuum chart could not be had', async () => {
  const runDir = tempDir('kind-failover-skip-');
  const ctx = { runId: 'r', runDir, options: { rtoMs: 30_000, rpo: 0, writeRate: 10 } as WalkOptions, target: kindTarget({ stateDir: runDir }) } as unknown as RunContext;
  const h: FailoverHarness = { ctx, regions: [], http: undefined as never, evidence: new EvidenceWriter(runDir, 'kind') };
  const reason = "the platform's DR controller (HelmRelease flux-system/bp-continuum) is not Ready (ChartPullFailed: failed to pull chart: unauthorized) in hz-fsn-rtz-prod: nothing would promote the survivor, so failover is not judged";
  const result: FailoverResult = {
    precondition: { ok: false, steps: [], problems: [], notes: [] },
    skipped: reason,
    interlockOk: false,
    history: { writes: [], events: [] },
    windowMs: 40_000,
    continuumObserved: false,
    notServed: [],
    evidence: {},
    thresholds: { rtoMs: 30_000, rpo: 0 },
  };
  const gates = await failoverGates(h, result);
  assert.ok(gates.length >= 5);
  for (const g of gates) {
    assert.equal(g.status, 'skipped', g.id);
    assert.equal(g.reason, reason);
  }
});
