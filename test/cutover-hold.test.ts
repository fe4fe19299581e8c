/**
 * The cutover hold against the simulated Sovereign: enforce on a cut-over sim passes every gate
 * and leaves nothing behind; observe judges the platform's own step-08 hold, and fails when the
 * platform lifts its block before the hold is over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Harness } from '../src/run/harness.js';
import { judgeCutover } from '../src/suites/cutover/suite.js';
import { judgeOnce } from '../src/pw/judge-once.js';
import { FaultLedger } from '../src/chaos/ledger.js';
import type { Gate } from '../src/gates/types.js';
import type { WalkOptions } from '../src/run/context.js';
import { cutoverContext, startCutoverSim } from './cutover-fixture.js';

process.env.SW_STATE_DIR = mkdtempSync(join(tmpdir(), 'cutover-state-'));

async function walk(faults: string[], opts: Partial<WalkOptions>, inspect?: (h: Harness, gates: Gate[]) => Promise<void>): Promise<Gate[]> {
  const { sim, target } = await startCutoverSim(faults);
  const ctx = cutoverContext(target, opts);
  const h = new Harness(ctx);
  try {
    const gates = [...(await judgeOnce(ctx.runDir, 'cutover', () => judgeCutover(ctx, h))).values()];
    await inspect?.(h, gates);
    return gates;
  } finally {
    await h.close();
    await sim.stop();
  }
}

const byId = (gates: Gate[], id: string) => gates.find((g) => g.id === `cutover/${id}`)!;

test('enforce on a cut-over sim: every gate passes, the policy is gone afterwards, the evidence shows both snapshots and the forced reconcile', async () => {
  await walk([], { holdMs: 6000 }, async (h, gates) => {
    assert.equal(gates.length, 14);
    for (const g of gates) assert.equal(g.status, 'passed', `${g.id}: ${g.reason}`);
    const hold = byId(gates, 'hold');
    assert.ok((hold.metrics?.heldMs ?? 0) >= 6000, `held ${hold.metrics?.heldMs} ms`);
    const evidence = JSON.parse(readFileSync(join(h.ctx.runDir, hold.evidence[0].path), 'utf8')) as { start: unknown[]; end: unknown[]; flips: unknown[]; watched: string[] };
    assert.ok(evidence.start.length > 100 && evidence.end.length === evidence.start.length, `${evidence.start.length} / ${evidence.end.length} objects`);
    assert.deepEqual(evidence.flips, []);
    assert.ok(evidence.watched.includes('helmreleases.helm.toolkit.fluxcd.io') && evidence.watched.includes('gitrepositories.source.toolkit.fluxcd.io'));
    const reconcile = byId(gates, 'forced-reconcile');
    assert.match(reconcile.reason, /GitRepository flux-system\/openova reconciled from local sources .*Kustomization flux-system\/bootstrap-kit reconciled/);
    const outcomes = JSON.parse(readFileSync(join(h.ctx.runDir, reconcile.evidence[0].path), 'utf8')) as { requestedAt: string; handledAt: string; ready: { status: string } }[];
    for (const o of outcomes) {
      assert.equal(o.ready.status, 'True');
      assert.ok(o.handledAt >= o.requestedAt);
    }
    assert.match(byId(gates, 'call-home').reason, /could not connect to any of https:\/\/github\.com\/, https:\/\/ghcr\.io\/, https:\/\/harbor\.openova\.io\/, https:\/\/xpkg\.upbound\.io\//);
    assert.match(byId(gates, 'fresh-pull').reason, /restarted at .* pulled and Ready/);
    assert.equal(await h.primary.get('ciliumclusterwidenetworkpolicies.cilium.io', undefined, 'sovereign-walk-egress-block'), undefined, 'the policy is gone');
    assert.deepEqual((await h.primary.list('jobs.batch', { labelSelector: 'sovereign-walk.openova.io/fault' })).items.map((j) => j.metadata.name), [], 'the backstop is gone');
    const ledger = FaultLedger.forSovereign(h.sovereign).entries().filter((e) => e.runId === h.ctx.runId);
    assert.equal(ledger.length, 1);
    assert.equal(ledger[0].state, 'reverted');
    assert.ok(ledger[0].intentAt <= ledger[0].appliedAt!, 'the intent was written before the fault was applied');
    const again = await judgeOnce(h.ctx.runDir, 'cutover', () => Promise.reject(new Error('judged twice')));
    assert.deepEqual(again.get('cutover/hold'), JSON.parse(JSON.stringify(hold)), 'a restarted worker reads the hold instead of holding again');
  });
});

test("observe judges the platform's step-08 hold without applying anything", async () => {
  await walk(['cutover-hold:60'], { cutoverMode: 'observe', holdMs: 5000 }, async (h, gates) => {
    for (const id of ['egress-policy', 'hold', 'forced-reconcile', 'call-home', 'fresh-pull']) assert.equal(byId(gates, id).status, 'passed', `${id}: ${byId(gates, id).reason}`);
    assert.match(byId(gates, 'egress-policy').reason, /cutover-egress-block held \d+s of the 5s hold/);
    assert.equal(byId(gates, 'revert').status, 'skipped');
    assert.equal(FaultLedger.forSovereign(h.sovereign).entries().filter((e) => e.runId === h.ctx.runId).length, 0, 'observe writes no fault');
  });
});

test('observe fails the egress-policy gate when the platform lifts its block before the hold is over', async () => {
  const gates = await walk(['cutover-hold:2'], { cutoverMode: 'observe', holdMs: 8000 });
  const policy = byId(gates, 'egress-policy');
  assert.equal(policy.status, 'failed', policy.reason);
  assert.match(policy.reason, /cutover-egress-block was removed at .*, \d+s into a 8s hold \(the platform lifted its block early\)/);
});
