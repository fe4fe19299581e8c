/**
 * Stopping a walk mid-hold through the CLI: SIGINT to the process group (Ctrl+C), SIGTERM and
 * SIGHUP to the walk alone all revert the egress block before the walk exits 130 / 143 / 129,
 * with its reports written (a second signal mid-revert: test/chaos-signals.test.ts). The walk
 * targets a sim running in its own process, addressed like a live Sovereign, so the policy
 * outlives the walk unless something reverts it. Ctrl+C reaches every process of the group: the
 * walk must still load and render its reports afterwards (a TypeScript loader's compiler service
 * in the group dies with it; the compiled walk has none). One Sovereign (the cutover module's small
 * kit) serves the three walks: each reverts its policy, so the next starts from a healthy target.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultLedger } from '../src/chaos/ledger.js';
import type { Summary } from '../src/gates/types.js';
import { startSimProcess, type SimProcess } from '../sim/process.js';
import { CCNP, POLICY, liveArgs, primaryRegion, spawnCutoverWalk, until, walkEnv } from './helpers/cutover-live.js';
import { settled, smallKitFile } from './cutover-fixture.js';

describe('a walk stopped by a signal mid-hold', () => {
  let sim: SimProcess;

  before(async () => {
    sim = await startSimProcess(['cutover'], ['--kit', smallKitFile()]);
    await settled(sim.target);
  });

  after(async () => {
    await sim?.stop();
  });

  for (const [sig, code, group] of [['SIGINT', 130, true], ['SIGTERM', 143, false], ['SIGHUP', 129, false]] as const) {
    test(`${sig} ${group ? 'to the process group (Ctrl+C)' : 'to the walk'} mid-hold reverts the policy and exits ${code}`, async () => {
      const state = mkdtempSync(join(tmpdir(), 'cutover-e2e-state-'));
      const reports = mkdtempSync(join(tmpdir(), 'cutover-e2e-'));
      const region = primaryRegion(sim);
      try {
        const walk = spawnCutoverWalk(liveArgs(sim, reports, '60s'), walkEnv(state));
        await until(async () => (await region.get(CCNP, undefined, POLICY)) !== undefined, 60_000, 'the egress block');
        process.kill(group ? -walk.child.pid! : walk.child.pid!, sig);
        assert.equal(await walk.exited, code, `the walk's stderr:\n${walk.stderr()}`);
        await until(async () => (await region.get(CCNP, undefined, POLICY)) === undefined, 15_000, 'the policy to be reverted');
        await until(async () => FaultLedger.forSovereign(sim.target.sovereign, state).open().length === 0, 15_000, 'the ledger to show the revert');
        const [target] = readdirSync(reports).filter((d) => d !== 'history');
        const [run] = readdirSync(join(reports, target));
        const summary = JSON.parse(readFileSync(join(reports, target, run, 'summary.json'), 'utf8')) as Summary;
        // A stopped walk has its own verdict line, with the fault it applied and reverted.
        assert.deepEqual(summary.stopped, { signal: sig, during: 'cutover' });
        assert.equal(summary.suites[0].error, undefined, 'a stop is not a suite error');
        assert.deepEqual(summary.faults?.map((f) => [f.kind, Boolean(f.revertedAt)]), [['egress-block', true]]);
        const md = readFileSync(join(reports, target, run, 'summary.md'), 'utf8');
        assert.match(md.trimEnd().split('\n').at(-1) ?? '', new RegExp(`^⏹ STOPPED — by ${sig} during cutover, before a verdict: .*; 1 fault applied, 1 reverted\\.$`));
        assert.ok(readdirSync(join(reports, target, run)).includes('index.html'), 'the HTML report is written too');
      } finally {
        region.close();
      }
    });
  }
});
