/**
 * `npm run sim` (the compiled CLI) in a process group of its own, walked from another process:
 * `npm run walk --target sim`, the benches, and the tests whose faults must outlive the walk unless
 * something reverts them. This is a launcher: it holds none of the sim's code, so whoever imports
 * it does not hold the embedded Sovereign either. Build dist/ first (`npm run build`).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/repo-root.js';
import type { TargetSpec } from '../src/target/types.js';

export interface SimProcess {
  child: ChildProcess;
  target: TargetSpec;
  /**
   * The variables the sim set in its own environment for the harness to read (the secrets the
   * TargetSpec names by variable, HCLOUD_ENDPOINT): handed over through a file only the user can
   * read, deleted as soon as it is read.
   */
  env: Record<string, string>;
  /** SIGTERM (the sim stops its data plane), SIGKILL to its group after a grace. */
  stop(): Promise<void>;
}

export interface SimProcessOptions {
  startTimeoutMs?: number;
  /** Each line the sim writes to stderr once it is up (before, they are kept for the start-up error). */
  onStderrLine?: (line: string) => void;
}

/** The sim could not start: its message names the last line the sim wrote to stderr. */
export class SimStartError extends Error {
  /** It refused its arguments (exit 2: a kit, fault or module it does not know) before starting anything. */
  constructor(message: string, readonly usage: boolean) {
    super(message);
  }
}

export const START_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 10_000;

/** `args`: more `npm run sim` flags (`--kit`, `--sim-fault`, `--settle-kit`). */
export async function startSimProcess(modules: string[], args: string[] = [], opts: SimProcessOptions = {}): Promise<SimProcess> {
  // mkdtemp makes the folder 0700: the secrets file inside it is the user's alone.
  const outDir = mkdtempSync(join(tmpdir(), 'sim-process-'));
  const targetOut = join(outDir, 'target.json');
  const secretsOut = join(outDir, 'secrets.json');
  const argv = [join(REPO_ROOT, 'dist/cli/sim.js'), `--modules=${modules.join(',')}`, '--target-out', targetOut, '--secrets-out', secretsOut, '--launched', ...args];
  // Its stdin is a pipe this process holds open: when this process dies, however it dies, the sim sees the pipe end and stops.
  const child = spawn(process.execPath, argv, { cwd: REPO_ROOT, detached: true, stdio: ['pipe', 'ignore', 'pipe'] });
  const early: string[] = [];
  let relay: ((line: string) => void) | undefined;
  let partial = '';
  child.stderr!.on('data', (b: Buffer) => {
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (relay) relay(line);
      else early.push(line);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    await stopGroup(child, exited, 'SIGTERM', STOP_GRACE_MS);
    rmSync(outDir, { recursive: true, force: true });
  };
  const timeoutMs = opts.startTimeoutMs ?? START_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(targetOut)) {
    const code = child.exitCode ?? child.signalCode;
    if (code !== null || Date.now() > deadline) {
      await stop();
      const last = [...early, partial].map((l) => l.trim()).filter(Boolean).at(-1)?.replace(/^error: /, '');
      if (code === 2 && last) throw new SimStartError(last, true);
      throw new SimStartError(`the sim did not start: ${code === null ? `not up within ${timeoutMs / 1000} s${last ? ` (its last line: ${last})` : ''}` : (last ?? `it exited (${code}) before it was up`)}`, false);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let env: Record<string, string> = {};
  if (existsSync(secretsOut)) {
    env = JSON.parse(readFileSync(secretsOut, 'utf8')) as Record<string, string>;
    rmSync(secretsOut, { force: true });
  }
  relay = opts.onStderrLine;
  for (const line of early.splice(0)) relay?.(line);
  return { child, target: JSON.parse(readFileSync(targetOut, 'utf8')) as TargetSpec, env, stop };
}

/** The sim's fault kinds, one per line, as `npm run sim -- --help` lists them (asked of the compiled sim, not loaded here). */
export function simFaultKinds(): string {
  return execFileSync(process.execPath, [join(REPO_ROOT, 'dist/cli/sim.js'), '--fault-kinds'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();
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
