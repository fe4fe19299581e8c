/** Walking a sim process as a live test Sovereign through the cutover suite, for the kill and signal tests. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Summary } from '../../src/gates/types.js';
import { RegionClient } from '../../src/target/kube.js';
import { liveTestSovereignArgs, type SimProcess } from '../../sim/process.js';
import { ROOT, WALK_CLI } from './cli.js';

export const CCNP = 'ciliumclusterwidenetworkpolicies.cilium.io';
export const POLICY = 'sovereign-walk-egress-block';

/** The sim process as a live test Sovereign, walked through a hold. */
export function liveArgs(sim: SimProcess, reportDir: string, hold: string): string[] {
  return [...liveTestSovereignArgs(sim.target), '--hold', hold, '--slot-deadline', '30s', '--report-dir', reportDir];
}

export const primaryRegion = (sim: SimProcess) => new RegionClient(sim.target.regions.find((r) => r.role === 'primary')!);

export const walkEnv = (stateDir: string): NodeJS.ProcessEnv => ({ ...process.env, SW_STATE_DIR: stateDir, NO_COLOR: '1' });

function cutoverArgs(extra: string[]): string[] {
  return [WALK_CLI, '--suite', 'cutover', '--json', ...extra];
}

/** A cutover walk to its end. */
export function runCutoverWalk(extra: string[], env: NodeJS.ProcessEnv): { code: number | null; summary?: Summary; stderr: string } {
  const r = spawnSync(process.execPath, cutoverArgs(extra), { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  let summary: Summary | undefined;
  try {
    summary = JSON.parse(r.stdout) as Summary;
  } catch {
    summary = undefined;
  }
  return { code: r.status, summary, stderr: r.stderr };
}

/** A cutover walk leading its own process group (as a shell job would), its stderr collected. */
export function spawnCutoverWalk(extra: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, cutoverArgs(extra), { cwd: ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return { child, exited: new Promise((r) => child.once('close', (code) => r(code))), stderr: () => stderr };
}

export async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
