/**
 * A judged-once suite judged in the walk's process: its outcome, a judge that throws, one that
 * hangs past the suite's timeout, a stop signal mid-judge, and faults a judge left active — each
 * reported with its cause, and no fault of the process left active afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeInWalk } from '../src/walk/judge-in-walk.js';
import { applyFault } from '../src/chaos/fault.js';
import { activeFaults } from '../src/chaos/active.js';
import { FaultLedger } from '../src/chaos/ledger.js';
import { tempDir } from './helpers/temp.js';

const never = new Promise<NodeJS.Signals>(() => {});
const forever = () => new Promise<never>(() => {});
const ledger = () => FaultLedger.forSovereign('t99.omani.works', tempDir('judge-in-walk-'));

/** A fault whose revert is recorded in `reverted`, as a suite applies one. */
async function holdFault(reverted: string[], name: string, failRevert = false): Promise<void> {
  await applyFault(
    ledger(),
    { kind: 'test-block', target: name, runId: 'r', revert: [] },
    async () => name,
    async () => {
      if (failRevert) throw new Error(`${name} refused`);
      reverted.push(name);
    },
  );
}

test('a judge that finishes is ok and leaves nothing active', async () => {
  assert.deepEqual(await judgeInWalk('cutover', async () => [], { timeoutMs: 5_000, stopped: never }), { ok: true, judged: [] });
  assert.equal(activeFaults().length, 0);
});

test('a judge that throws: the suite is not judged, the error named, the walk goes on', async () => {
  const r = await judgeInWalk('readiness', async () => {
    throw new Error('watch on helmreleases refused: 403\nstack…');
  }, { timeoutMs: 5_000, stopped: never });
  assert.deepEqual(r, { ok: false, reason: 'readiness could not be judged: watch on helmreleases refused: 403', stopWalk: false });
});

test('a judge that hangs past the timeout: its fault is reverted and the walk stops', async () => {
  const reverted: string[] = [];
  const r = await judgeInWalk('cutover', async () => {
    await holdFault(reverted, 'egress');
    await forever();
  }, { timeoutMs: 200, stopped: never });
  assert.equal(r.ok, false);
  assert.deepEqual(r, { ok: false, reason: 'cutover did not finish within 200ms; the walk stopped', stopWalk: true });
  assert.deepEqual(reverted, ['egress']);
  assert.equal(activeFaults().length, 0);
});

test('a stop signal mid-judge: the fault is reverted, the suite is stopped by the signal', async () => {
  const reverted: string[] = [];
  let stop: (s: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((r) => (stop = r));
  const r = judgeInWalk('failover', async () => {
    await holdFault(reverted, 'region-kill');
    stop('SIGINT');
    await forever();
  }, { timeoutMs: 5_000, stopped });
  assert.deepEqual(await r, { ok: false, reason: 'stopped by SIGINT', stopWalk: true });
  assert.deepEqual(reverted, ['region-kill']);
});

test('a judge that returns with a fault still active: reverted before the next suite; one that cannot be reverted stops the walk', async () => {
  const reverted: string[] = [];
  assert.deepEqual(await judgeInWalk('cutover', () => holdFault(reverted, 'left-over'), { timeoutMs: 5_000, stopped: never }), { ok: true, judged: undefined });
  assert.deepEqual(reverted, ['left-over']);

  const r = await judgeInWalk('cutover', () => holdFault(reverted, 'stuck', true), { timeoutMs: 5_000, stopped: never });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.stopWalk);
  assert.match(!r.ok ? r.reason : '', /^cutover left faults active; could NOT revert test-block-\w+ \(stuck refused\)$/);
});
