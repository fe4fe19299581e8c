/**
 * Child processes of the embedded Sovereign: each runs in its own process group (a region kill
 * signals the whole group, as a power-off takes every process of a node), its output goes to a log
 * file in the instance's directory, and nothing outlives the sim: stop() ends the group, an exit
 * hook SIGKILLs what is left if the sim process ends without stop(), and the instance's ownership
 * ledger lets the next instance reap it after a `kill -9`.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import type { Ownership } from './ownership.js';

export interface RunAs {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: when the sim runs as root, its servers run as `postgres`. */
export function postgresUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Appends to a data plane log; a log that is gone (the sim stopping) is not worth a crash. */
export function appendLog(path: string, text: string): void {
  try {
    appendFileSync(path, text);
  } catch {
    // The directory was removed on stop.
  }
}

export interface GroupProcess {
  readonly child: ChildProcess;
  /** Process id, which is also the process group id. */
  readonly pid: number;
  alive(): boolean;
  /** Resolves when the process has exited (at once if it already has). */
  exited(): Promise<void>;
  /** SIGTERM-style stop (`signal`), then SIGKILL of the whole group after `graceMs`. */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

const live = new Set<GroupProcess>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Group already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of live) killGroup(p.pid, 'SIGKILL');
  });
}

/** Spawns `command` as the leader of a new process group with stdout and stderr appended to `logPath`. */
export function spawnGroup(command: string, args: string[], opts: { env: NodeJS.ProcessEnv; logPath: string; runAs?: RunAs; stdout?: 'pipe'; owner?: Ownership }): GroupProcess {
  installExitHook();
  const logFd = openSync(opts.logPath, 'a');
  const spawnOpts: SpawnOptions = {
    env: opts.owner ? opts.owner.env(opts.env) : opts.env,
    detached: true,
    stdio: ['ignore', opts.stdout === 'pipe' ? 'pipe' : logFd, logFd],
    ...(opts.runAs ? { uid: opts.runAs.uid, gid: opts.runAs.gid } : {}),
  };
  let child: ChildProcess;
  try {
    child = spawn(command, args, spawnOpts);
  } finally {
    closeSync(logFd);
  }
  if (child.pid === undefined) throw new Error(`cannot start ${command}`);
  const pid = child.pid;
  opts.owner?.process(pid, command);
  const done = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const proc: GroupProcess = {
    child,
    pid,
    alive: () => child.exitCode === null && child.signalCode === null,
    exited: () => done,
    async stop(signal, graceMs) {
      if (proc.alive()) {
        child.kill(signal);
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
        await done;
        clearTimeout(timer);
      }
      // Children the leader left behind (e.g. backends after a SIGKILLed postmaster).
      killGroup(pid, 'SIGKILL');
      live.delete(proc);
    },
  };
  live.add(proc);
  return proc;
}
