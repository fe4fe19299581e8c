/**
 * Revert on interrupt: a process holding a fault reverts it on SIGINT / SIGTERM before it
 * exits (130 / 143); one that exits any other way hands its faults to a detached reaper.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FaultLedger } from '../src/chaos/ledger.js';
import { tempDir } from './helpers/temp.js';

const ROOT = resolve(import.meta.dirname, '..');
const SOV = 't99.omani.works';

const CHILD = `
import { writeFileSync } from 'node:fs';
import { FaultLedger } from './src/chaos/ledger.js';
import { applyFault } from './src/chaos/fault.js';
import { deferExitOnSignal } from './src/chaos/signals.js';
import { revertActiveFaults } from './src/chaos/active.js';
if (process.env.MODE === 'defer') {
  deferExitOnSignal();
  process.on('SIGINT', async () => {
    const { reverted } = await revertActiveFaults();
    writeFileSync(process.env.CALLER, String(reverted.length));
    process.exit(7);
  });
}
const ledger = FaultLedger.forSovereign('${SOV}', process.env.SW_STATE_DIR);
await applyFault(
  ledger,
  { kind: 'test-block', target: 'region/x', runId: 'signal-run', revert: [{ kind: 'container-start', runtime: 'docker', mode: 'stop', containers: ['reaped'] }] },
  async () => 1,
  async () => {
    if (process.env.SLOW_REVERT) await new Promise((r) => setTimeout(r, 10_000));
    writeFileSync(process.env.MARKER, 'reverted in process');
  },
);
process.stdout.write('APPLIED\\n');
if (process.env.MODE === 'exit') process.exit(0);
setInterval(() => {}, 1000);
`;

/** A fake `docker` first on PATH: `docker start reaped` touches $REAPED. */
function fakeDockerPath(d: string): string {
  const bin = join(d, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'docker'), '#!/bin/sh\ntouch "$REAPED"\n');
  chmodSync(join(bin, 'docker'), 0o755);
  return `${bin}:${process.env.PATH ?? ''}`;
}

function start(env: Record<string, string>): { exited: Promise<number | null>; applied: Promise<void>; pid: number } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const applied = new Promise<void>((res, rej) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('APPLIED')) res();
    });
    child.on('exit', () => rej(new Error(`child exited before applying: ${out}`)));
  });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { exited, applied, pid: child.pid! };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${sig} reverts the active fault before the process exits ${code}`, async () => {
    const d = tempDir('chaos-signal-');
    const marker = join(d, 'marker');
    const c = start({ SW_STATE_DIR: d, MARKER: marker, REAPED: join(d, 'reaped') });
    await c.applied;
    process.kill(c.pid, sig);
    assert.equal(await c.exited, code);
    assert.ok(existsSync(marker), 'reverted by the in-process revert');
    const [e] = FaultLedger.forSovereign(SOV, d).entries();
    assert.equal(e.state, 'reverted');
  });
}

test('a process that handles the signal itself (the walk) gets it after the revert, and decides the exit', async () => {
  const d = tempDir('chaos-signal-');
  const marker = join(d, 'marker');
  const caller = join(d, 'caller');
  const c = start({ SW_STATE_DIR: d, MARKER: marker, REAPED: join(d, 'reaped'), MODE: 'defer', CALLER: caller });
  await c.applied;
  process.kill(c.pid, 'SIGINT');
  assert.equal(await c.exited, 7, 'the caller chose the exit code');
  assert.ok(existsSync(marker), 'reverted by the in-process revert');
  assert.equal(readFileSync(caller, 'utf8'), '1', 'the caller awaited the revert the signal started and got its record');
  assert.equal(FaultLedger.forSovereign(SOV, d).entries()[0].state, 'reverted');
  assert.ok(!existsSync(join(d, 'reaped')), 'no reaper was needed');
});

/** A state dir, and the env of a child whose exit hook can hand its faults to a reaper (it has a run context). */
function reaperSetup(): { d: string; env: Record<string, string> } {
  const d = tempDir('chaos-reaper-');
  const contextPath = join(d, 'run-context.json');
  writeFileSync(contextPath, JSON.stringify({ runId: 'signal-run', target: { kind: 'live', name: 't99', sovereign: SOV, regions: [] } }));
  return { d, env: { SW_STATE_DIR: d, MARKER: join(d, 'marker'), REAPED: join(d, 'reaped'), SW_RUN_CONTEXT: contextPath, PATH: fakeDockerPath(d) } };
}

async function assertReaped(d: string): Promise<void> {
  const ledger = FaultLedger.forSovereign(SOV, d);
  await until(() => ledger.entries()[0]?.state === 'reverted', 20_000);
  assert.ok(existsSync(join(d, 'reaped')), 'the reaper ran the ledger revert steps');
  assert.match(ledger.entries()[0].detail ?? '', /^reaper after holder exit; docker start reaped/);
}

test('a process that exits while holding a fault hands it to a detached reaper', async () => {
  const { d, env } = reaperSetup();
  const c = start({ ...env, MODE: 'exit' });
  assert.equal(await c.exited, 0);
  await assertReaped(d);
  assert.ok(!existsSync(join(d, 'marker')), 'the in-process revert never ran');
});

test('a second signal while the caller waits on a slow revert exits 130 at once; the reaper finishes the revert', async () => {
  const { d, env } = reaperSetup();
  const c = start({ ...env, MODE: 'defer', CALLER: join(d, 'caller'), SLOW_REVERT: '1' });
  await c.applied;
  process.kill(c.pid, 'SIGINT');
  await new Promise((r) => setTimeout(r, 500));
  process.kill(c.pid, 'SIGINT');
  assert.equal(await c.exited, 130);
  await assertReaped(d);
  assert.ok(!existsSync(join(d, 'caller')), 'the caller never got to decide the exit');
});
