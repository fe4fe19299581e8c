/**
 * Region kill by SIGKILL of local processes (a region made of processes on this machine). A pid
 * that leads a process group is killed with its whole group, as a power-off takes every process
 * of a node (a postmaster's backends and walsenders included). Nothing restarts the processes:
 * heal is a no-op, whoever runs them owns their restart.
 */
import { readFile } from 'node:fs/promises';
import type { RegionKillSpec } from '../../target/types.js';
import type { KillOutcome, KillPlan } from './types.js';

type ProcessSignalSpec = Extract<RegionKillSpec, { kind: 'process-signal' }>;

const GONE_TIMEOUT_MS = 2_000;

export interface ProcessSignalDeps {
  /** process.kill (injectable for tests). */
  kill?: (pid: number, signal: NodeJS.Signals | 0) => void;
}

async function pidsOf(spec: ProcessSignalSpec): Promise<number[]> {
  const fromFiles = await Promise.all(
    (spec.pidFiles ?? []).map(async (file) => {
      const first = (await readFile(file, 'utf8')).split('\n')[0].trim();
      const pid = Number(first);
      if (!Number.isSafeInteger(pid) || pid <= 1) throw new Error(`pid file ${file} does not start with a pid ("${first.slice(0, 40)}")`);
      return pid;
    }),
  );
  const pids = [...new Set([...spec.pids, ...fromFiles])];
  const bad = pids.find((p) => !Number.isSafeInteger(p) || p <= 1);
  if (bad !== undefined) throw new Error(`refusing to signal pid ${bad}`);
  if (!pids.length) throw new Error('no pid to kill');
  return pids;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

export function processSignalPlan(region: string, spec: ProcessSignalSpec, deps: ProcessSignalDeps = {}): KillPlan {
  const kill = deps.kill ?? ((pid, signal) => process.kill(pid, signal));
  const alive = (pid: number): boolean => {
    try {
      kill(pid, 0);
      return true;
    } catch (err) {
      return errno(err) === 'EPERM';
    }
  };
  const named = [...spec.pids.map(String), ...(spec.pidFiles ?? []).map((f) => `pid in ${f}`)].join(', ');
  return {
    actuator: 'process-signal',
    region,
    target: `${region}/processes ${named}`,
    description: `SIGKILL of ${named} (each with its process group)`,
    strength: 'full',
    heal: 'none: killed processes are not restarted by the harness; their owner restarts them',
    revert: [],
    async apply(): Promise<KillOutcome> {
      const pids = await pidsOf(spec);
      const issuedAt = Date.now();
      const done: string[] = [];
      for (const pid of pids) {
        try {
          kill(-pid, 'SIGKILL');
          done.push(`group ${pid}`);
          continue;
        } catch (err) {
          if (errno(err) !== 'ESRCH') throw new Error(`SIGKILL to process group ${pid}: ${(err as Error).message}`);
        }
        try {
          kill(pid, 'SIGKILL');
          done.push(`pid ${pid}`);
        } catch (err) {
          if (errno(err) !== 'ESRCH') throw new Error(`SIGKILL to pid ${pid}: ${(err as Error).message}`);
          done.push(`pid ${pid} (already gone)`);
        }
      }
      const killedAt = Date.now();
      // SIGKILL cannot be caught; a process still listed shortly after is a zombie its parent has not reaped.
      const deadline = Date.now() + GONE_TIMEOUT_MS;
      while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const lingering = pids.filter(alive);
      const note = lingering.length ? `; still listed after ${GONE_TIMEOUT_MS} ms (unreaped): ${lingering.join(', ')}` : '';
      return { issuedAt, killedAt, detail: `SIGKILL → ${done.join(', ')}${note}` };
    },
  };
}
