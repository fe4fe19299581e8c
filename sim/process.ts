/**
 * `npm run sim` (the compiled CLI) in a process group of its own, walked from another process
 * like a live test Sovereign: the memory bench, and the tests whose faults must outlive the walk
 * unless something reverts them. Build dist/ first (`npm run build`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/repo-root.js';
import type { TargetSpec } from '../src/target/types.js';

export interface SimProcess {
  child: ChildProcess;
  target: TargetSpec;
  /** SIGTERM (the sim stops its data plane), SIGKILL to its group after a grace. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 10_000;

/** `args`: more `npm run sim` flags (`--kit`, `--sim-fault`). */
export async function startSimProcess(modules: string[], args: string[] = []): Promise<SimProcess> {
  const outDir = mkdtempSync(join(tmpdir(), 'sim-process-'));
  const targetOut = join(outDir, 'target.json');
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/cli/sim.js'), '--modules', modules.join(','), '--target-out', targetOut, ...args], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    await stopGroup(child, exited, 'SIGTERM', STOP_GRACE_MS);
    rmSync(outDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!existsSync(targetOut)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the sim did not start: ${stderr.trim().split('\n').slice(-2).join(' | ') || 'no TargetSpec written'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, target: JSON.parse(readFileSync(targetOut, 'utf8')) as TargetSpec, stop };
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* no process of the group is left */
  }
}

/**
 * `signal` to a child leading its own process group, SIGKILL to the group after `graceMs`, and
 * to whatever of the group outlived the child.
 */
export async function stopGroup(child: ChildProcess, exited: Promise<unknown>, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
    const timer = setTimeout(() => killGroup(pid), graceMs);
    await exited;
    clearTimeout(timer);
  }
  killGroup(pid);
}

/** `--kubeconfig <region>=<path>` for every region. */
export function kubeconfigArgs(target: TargetSpec): string[] {
  return target.regions.flatMap((r) => ['--kubeconfig', `${r.name}=${r.kubeconfigPath}`]);
}

/** The sim as a live test Sovereign: its FQDN, chaos allowed for exactly that name, its kubeconfigs. */
export function liveTestSovereignArgs(target: TargetSpec): string[] {
  const exact = `^${target.sovereign.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  return ['--sov', target.sovereign, '--test-sov-pattern', exact, '--allow-chaos', ...kubeconfigArgs(target)];
}
