/**
 * The cutover suite through the CLI, against one Sovereign running in its own process (the cutover
 * module's small kit), addressed like a live one, so a policy outlives the walk unless something
 * reverts it: a healthy walk passes every gate and leaves nothing behind; the interlock refuses a
 * Sovereign that is not a test Sovereign; a walk killed with SIGKILL mid-hold leaves its policy, and
 * the next walk's janitor removes it first and reports it; SIGINT to the process group (Ctrl+C),
 * SIGTERM and SIGHUP to the walk alone all revert the egress block before the walk exits 130 / 143 /
 * 129, with its reports written (a second signal mid-revert: test/chaos-signals.test.ts). Ctrl+C
 * reaches every process of the group: the walk must still load and render its reports afterwards
 * (a TypeScript loader's compiler service in the group dies with it; the compiled walk has none).
 * Each walk reverts its policy, so the next starts from a healthy target.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultLedger } from '../src/chaos/ledger.js';
import type { Summary } from '../src/gates/types.js';
import { kubeconfigArgs, startSimProcess, type SimProcess } from '../sim/process.js';
import { CCNP, POLICY, liveArgs, primaryRegion as primary, runCutoverWalk as runWalk, spawnCutoverWalk, until, walkEnv as env } from './helpers/cutover-live.js';
import { settled, smallKitFile } from './cutover-fixture.js';

const KIT = smallKitFile();
/** Every state and report folder of this file's walks, removed at the end. */
const SCRATCH = mkdtempSync(join(tmpdir(), 'cutover-e2e-'));
const scratch = (prefix: string) => mkdtempSync(join(SCRATCH, prefix));

describe('a Sovereign in a process of its own', () => {
  let sim: SimProcess;

  before(async () => {
    sim = await startSimProcess(['cutover'], ['--kit', KIT]);
    await settled(sim.target);
  });

  after(async () => {
    await sim?.stop();
    rmSync(SCRATCH, { recursive: true, force: true });
  });

  test('a live Sovereign that is not a test Sovereign is refused with exit 2 and one line, before any suite runs', async () => {
    const reports = scratch('reports-');
    const r = runWalk(['--sov', 'prod.example.com', '--allow-chaos', ...kubeconfigArgs(sim.target), '--report-dir', reports], env(scratch('state-')));
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n').filter((l) => !/npm warn/.test(l));
    assert.deepEqual(lines.length, 1, r.stderr);
    assert.match(lines[0], /^walk: refusing cutover \(enforce\) on prod\.example\.com: not a test Sovereign/);
    const region = primary(sim);
    assert.deepEqual((await region.list('namespaces')).items.filter((n) => n.metadata.name === 'sovereign-walk'), [], 'nothing was written to the Sovereign');
  });

  test('a healthy walk passes every cutover gate and leaves no fault behind', () => {
    const state = scratch('state-');
    const r = runWalk(liveArgs(sim, scratch('reports-'), '6s'), env(state));
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.equal(r.summary?.counts.passed, 14);
    assert.deepEqual(r.summary?.janitor, []);
    assert.deepEqual(FaultLedger.forSovereign(sim.target.sovereign, state).open(), []);
  });

  test('kill -9 mid-hold leaves the policy; the next walk reverts it first and reports it in summary.json janitor', async () => {
    const state = scratch('state-');
    const reports = scratch('reports-');
    const region = primary(sim);
    const { child: walk, exited } = spawnCutoverWalk(liveArgs(sim, reports, '60s'), env(state));
    await until(async () => (await region.get(CCNP, undefined, POLICY)) !== undefined, 60_000, 'the egress block');
    process.kill(-walk.pid!, 'SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(await region.get(CCNP, undefined, POLICY), 'the killed walk left its policy');
    const [left] = FaultLedger.forSovereign(sim.target.sovereign, state).open();
    assert.equal(left?.state, 'applied');

    const next = runWalk(liveArgs(sim, reports, '2s'), env(state));
    assert.equal(next.code, 0, next.stderr.slice(-2000));
    const janitor = next.summary?.janitor ?? [];
    assert.equal(janitor.length, 1);
    assert.equal(janitor[0].id, left.id);
    assert.ok(janitor[0].revertedAt);
    assert.match(janitor[0].detail ?? '', new RegExp(`holder pid ${left.owner.pid} gone; delete \\S+/${CCNP} labelled by the fault: 1 deleted;`), 'the janitor found the policy and deleted it');
    assert.match(janitor[0].detail ?? '', /jobs\.batch in sovereign-walk labelled by the fault: 1 deleted/, 'and the backstop Job');
    assert.match(next.stderr, new RegExp(`janitor: reverted egress-block on \\S+${POLICY} left by run ${left.runId}`));
    assert.ok(next.summary!.janitor[0].revertedAt! < next.summary!.suites[0].startedAt, 'reverted before the suite started');
    assert.equal(await region.get(CCNP, undefined, POLICY), undefined);
    assert.deepEqual(FaultLedger.forSovereign(sim.target.sovereign, state).open(), []);
  });

  for (const [sig, code, group] of [['SIGINT', 130, true], ['SIGTERM', 143, false], ['SIGHUP', 129, false]] as const) {
    test(`${sig} ${group ? 'to the process group (Ctrl+C)' : 'to the walk'} mid-hold reverts the policy and exits ${code}`, async () => {
      const state = scratch('state-');
      const reports = scratch('reports-');
      const region = primary(sim);
      try {
        const walk = spawnCutoverWalk(liveArgs(sim, reports, '60s'), env(state));
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
