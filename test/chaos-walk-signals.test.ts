/**
 * Stopping a walk mid-hold through the CLI: SIGINT to the process group (Ctrl+C) and SIGTERM to
 * the walk alone both revert the egress block before the walk exits 130 / 143. The walk targets
 * a sim running in its own process, addressed like a live Sovereign, so the policy outlives
 * the walk unless something reverts it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
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
import { startSim, parseSimFaults } from './sim/index.js';
import { installDod } from './sim/dod/index.js';
import { installCutover } from './sim/cutover/index.js';
import { loadKit } from './src/kit/load.js';
const kit = loadKit('fixtures/bootstrap-kit-48.json');
const sim = await startSim({ kit, faults: parseSimFaults([], kit) });
if (!sim.ctx.primary.store.get('v1', 'ConfigMap', 'catalyst', 'self-sovereign-cutover-status')) await installDod(sim.ctx);
if (!sim.ctx.primary.store.get('apps/v1', 'Deployment', 'org-services', 'notification')) await installCutover(sim.ctx);
process.stdout.write(JSON.stringify(sim.target.regions) + '\\n');
process.on('SIGTERM', () => sim.stop().then(() => process.exit(0)));
`;

function walkArgs(extra: string[]): string[] {
  return ['--import', 'tsx', 'cli/walk.ts', '--suite', 'cutover', '--json', ...extra];
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

for (const [sig, code, group] of [['SIGINT', 130, true], ['SIGTERM', 143, false]] as const) {
  test(`${sig} ${group ? 'to the process group (Ctrl+C)' : 'to the walk'} mid-hold reverts the policy and exits ${code}`, async () => {
    const state = mkdtempSync(join(tmpdir(), 'cutover-e2e-state-'));
    const reports = mkdtempSync(join(tmpdir(), 'cutover-e2e-'));
    const sim = await startSimProcess();
    try {
      const region = new RegionClient({ name: sim.kubeconfigs[0].name, role: 'primary', kubeconfigPath: sim.kubeconfigs[0].kubeconfigPath });
      const walk = spawn(process.execPath, walkArgs(liveArgs(sim.kubeconfigs, reports, '60s')), { cwd: ROOT, env: env(state), detached: true, stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => walk.on('exit', (c) => r(c)));
      await until(async () => (await region.get(CCNP, undefined, POLICY)) !== undefined, 60_000, 'the egress block');
      process.kill(group ? -walk.pid! : walk.pid!, sig);
      assert.equal(await exited, code);
      await until(async () => (await region.get(CCNP, undefined, POLICY)) === undefined, 15_000, 'the policy to be reverted');
      await until(async () => FaultLedger.forSovereign(SOV, state).open().length === 0, 15_000, 'the ledger to show the revert');
      const [run] = readdirSync(join(reports, 'sim'));
      const summary = JSON.parse(readFileSync(join(reports, 'sim', run, 'summary.json'), 'utf8')) as Summary;
      assert.match(summary.suites[0].error ?? '', new RegExp(`stopped by ${sig}`));
    } finally {
      sim.child.kill('SIGTERM');
    }
  });
}
