/**
 * The cutover suite through the CLI: a healthy sim walk; the interlock refusing a Sovereign
 * that is not a test Sovereign; a walk killed with SIGKILL mid-hold leaves its policy, and the
 * next walk's janitor removes it first and reports it; SIGINT / SIGTERM mid-hold revert.
 * The kill tests walk a sim running in its own process, addressed like a live Sovereign.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RegionClient } from '../src/target/kube.js';
import { FaultLedger } from '../src/chaos/ledger.js';
import type { Summary } from '../src/gates/types.js';

const ROOT = resolve(import.meta.dirname, '..');
const SOV = 'sim.sovereign-walk.test';
const CCNP = 'ciliumclusterwidenetworkpolicies.cilium.io';
const POLICY = 'sovereign-walk-egress-block';

/** A sim in its own process; prints its kubeconfigs, then runs until killed. */
const SIM_PROCESS = `
import { startSim } from './sim/index.js';
import { loadKit } from './src/kit/load.js';
const sim = await startSim({ kit: loadKit('fixtures/bootstrap-kit-48.json'), faults: [], modules: ['dod', 'cutover'] });
process.stdout.write(JSON.stringify(sim.target.regions) + '\\n');
process.on('SIGTERM', () => sim.stop().then(() => process.exit(0)));
`;

function walkArgs(extra: string[]): string[] {
  return ['--import', 'tsx', 'cli/walk.ts', '--suite', 'cutover', '--json', ...extra];
}

function runWalk(extra: string[], env: NodeJS.ProcessEnv): { code: number | null; summary?: Summary; stderr: string } {
  const r = spawnSync(process.execPath, walkArgs(extra), { cwd: ROOT, env, encoding: 'utf8', timeout: 110_000, maxBuffer: 64 * 1024 * 1024 });
  let summary: Summary | undefined;
  try {
    summary = JSON.parse(r.stdout) as Summary;
  } catch {
    summary = undefined;
  }
  return { code: r.status, summary, stderr: r.stderr };
}

async function startSimProcess(): Promise<{ child: ChildProcess; kubeconfigs: { name: string; kubeconfigPath: string }[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SIM_PROCESS], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) res(out.split('\n')[0]);
    });
    child.on('exit', () => rej(new Error('the sim process exited')));
  });
  return { child, kubeconfigs: JSON.parse(line) as { name: string; kubeconfigPath: string }[] };
}

function liveArgs(kubeconfigs: { name: string; kubeconfigPath: string }[], reportDir: string, hold: string): string[] {
  return ['--sov', SOV, '--test-sov-pattern', 'sim\\.sovereign-walk\\.test', '--allow-chaos', ...kubeconfigs.flatMap((k) => ['--kubeconfig', `${k.name}=${k.kubeconfigPath}`]), '--hold', hold, '--slot-deadline', '30s', '--report-dir', reportDir];
}

async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const env = (stateDir: string): NodeJS.ProcessEnv => ({ ...process.env, SW_STATE_DIR: stateDir, NO_COLOR: '1' });

test('a healthy sim walk passes every cutover gate and leaves no fault behind', () => {
  const state = mkdtempSync(join(tmpdir(), 'cutover-e2e-state-'));
  const r = runWalk(['--hold', '6s', '--report-dir', mkdtempSync(join(tmpdir(), 'cutover-e2e-'))], env(state));
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  assert.equal(r.summary?.counts.passed, 14);
  assert.deepEqual(r.summary?.janitor, []);
  assert.deepEqual(FaultLedger.forSovereign(SOV, state).open(), []);
});

test('a live Sovereign that is not a test Sovereign is refused with exit 2 and one line, before any suite runs', async () => {
  const sim = await startSimProcess();
  try {
    const reports = mkdtempSync(join(tmpdir(), 'cutover-e2e-'));
    const kubeconfigs = sim.kubeconfigs.flatMap((k) => ['--kubeconfig', `${k.name}=${k.kubeconfigPath}`]);
    const r = runWalk(['--sov', 'prod.example.com', '--allow-chaos', ...kubeconfigs, '--report-dir', reports], env(mkdtempSync(join(tmpdir(), 'cutover-e2e-state-'))));
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n').filter((l) => !/npm warn/.test(l));
    assert.deepEqual(lines.length, 1, r.stderr);
    assert.match(lines[0], /^walk: refusing cutover \(enforce\) on prod\.example\.com: not a test Sovereign/);
    const region = new RegionClient({ name: sim.kubeconfigs[0].name, role: 'primary', kubeconfigPath: sim.kubeconfigs[0].kubeconfigPath });
    assert.deepEqual((await region.list('namespaces')).items.filter((n) => n.metadata.name === 'sovereign-walk'), [], 'nothing was written to the Sovereign');
  } finally {
    sim.child.kill('SIGTERM');
  }
});

test('kill -9 mid-hold leaves the policy; the next walk reverts it first and reports it in summary.json janitor', async () => {
  const state = mkdtempSync(join(tmpdir(), 'cutover-e2e-state-'));
  const reports = mkdtempSync(join(tmpdir(), 'cutover-e2e-'));
  const sim = await startSimProcess();
  try {
    const region = new RegionClient({ name: sim.kubeconfigs[0].name, role: 'primary', kubeconfigPath: sim.kubeconfigs[0].kubeconfigPath });
    const walk = spawn(process.execPath, walkArgs(liveArgs(sim.kubeconfigs, reports, '60s')), { cwd: ROOT, env: env(state), detached: true, stdio: 'ignore' });
    await until(async () => (await region.get(CCNP, undefined, POLICY)) !== undefined, 60_000, 'the egress block');
    process.kill(-walk.pid!, 'SIGKILL');
    await new Promise((r) => walk.on('exit', r));
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(await region.get(CCNP, undefined, POLICY), 'the killed walk left its policy');
    const [left] = FaultLedger.forSovereign(SOV, state).open();
    assert.equal(left?.state, 'applied');

    const next = runWalk(liveArgs(sim.kubeconfigs, reports, '2s'), env(state));
    assert.equal(next.code, 0, next.stderr.slice(-2000));
    const janitor = next.summary?.janitor ?? [];
    assert.equal(janitor.length, 1);
    assert.equal(janitor[0].id, left.id);
    assert.ok(janitor[0].revertedAt);
    assert.match(janitor[0].detail ?? '', new RegExp(`holder pid ${left.owner.pid} gone; delete \\S+/${CCNP}/${POLICY};`));
    assert.doesNotMatch(janitor[0].detail ?? '', /already gone/, 'the janitor found the policy and deleted it');
    assert.match(janitor[0].detail ?? '', /jobs\.batch\/sovereign-walk \[\S+\]: 1 deleted/, 'and the backstop Job');
    assert.match(next.stderr, new RegExp(`janitor: reverted egress-block on \\S+${POLICY} left by run ${left.runId}`));
    assert.ok(next.summary!.janitor[0].revertedAt! < next.summary!.suites[0].startedAt, 'reverted before the suite started');
    assert.equal(await region.get(CCNP, undefined, POLICY), undefined);
    assert.deepEqual(FaultLedger.forSovereign(SOV, state).open(), []);
  } finally {
    sim.child.kill('SIGTERM');
  }
});
