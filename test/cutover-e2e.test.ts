/**
 * The cutover suite through the CLI: a healthy walk of the embedded Sovereign; the interlock
 * refusing a Sovereign that is not a test Sovereign; a walk killed with SIGKILL mid-hold leaves its
 * policy, and the next walk's janitor removes it first and reports it. The last two walk one
 * Sovereign running in its own process, addressed like a live one.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultLedger } from '../src/chaos/ledger.js';
import { kubeconfigArgs, startSimProcess, type SimProcess } from '../sim/process.js';
import { CCNP, POLICY, liveArgs, primaryRegion as primary, runCutoverWalk as runWalk, spawnCutoverWalk, until, walkEnv as env } from './helpers/cutover-live.js';
import { settled, smallKitFile } from './cutover-fixture.js';

/** The embedded Sovereign's FQDN (`--target sim`). */
const SOV = 'sim.sovereign-walk.test';
const KIT = smallKitFile();

test('a healthy walk of the embedded Sovereign passes every cutover gate and leaves no fault behind', () => {
  const state = mkdtempSync(join(tmpdir(), 'cutover-e2e-state-'));
  const r = runWalk(['--hold', '6s', '--kit', KIT, '--report-dir', mkdtempSync(join(tmpdir(), 'cutover-e2e-'))], env(state));
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  assert.equal(r.summary?.counts.passed, 14);
  assert.deepEqual(r.summary?.janitor, []);
  assert.deepEqual(FaultLedger.forSovereign(SOV, state).open(), []);
});

describe('a Sovereign in a process of its own', () => {
  let sim: SimProcess;

  before(async () => {
    sim = await startSimProcess(['cutover'], ['--kit', KIT]);
    await settled(sim.target);
  });

  after(async () => {
    await sim?.stop();
  });

  test('a live Sovereign that is not a test Sovereign is refused with exit 2 and one line, before any suite runs', async () => {
    const reports = mkdtempSync(join(tmpdir(), 'cutover-e2e-'));
    const r = runWalk(['--sov', 'prod.example.com', '--allow-chaos', ...kubeconfigArgs(sim.target), '--report-dir', reports], env(mkdtempSync(join(tmpdir(), 'cutover-e2e-state-'))));
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n').filter((l) => !/npm warn/.test(l));
    assert.deepEqual(lines.length, 1, r.stderr);
    assert.match(lines[0], /^walk: refusing cutover \(enforce\) on prod\.example\.com: not a test Sovereign/);
    const region = primary(sim);
    assert.deepEqual((await region.list('namespaces')).items.filter((n) => n.metadata.name === 'sovereign-walk'), [], 'nothing was written to the Sovereign');
  });

  test('kill -9 mid-hold leaves the policy; the next walk reverts it first and reports it in summary.json janitor', async () => {
    const state = mkdtempSync(join(tmpdir(), 'cutover-e2e-state-'));
    const reports = mkdtempSync(join(tmpdir(), 'cutover-e2e-'));
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
});
