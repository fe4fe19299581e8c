/**
 * Region kill of a kind (docker/podman) region: stop (`--time 0`: no grace, the nodes go down as
 * in a power cut) or pause (frozen: connections hang instead of resetting, like a partition)
 * every node container of the region. Heal: `start` / `unpause` the same containers.
 */
import { execFile } from 'node:child_process';
import type { RegionKillSpec } from '../../target/types.js';
import type { CommandRunner, KillOutcome, KillPlan } from './types.js';

type ContainerSpec = Extract<RegionKillSpec, { kind: 'container' }>;

const COMMAND_TIMEOUT_MS = 120_000;

export const runCommand: CommandRunner = (argv, timeoutMs) =>
  new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    if (!cmd) {
      reject(new Error('empty command'));
      return;
    }
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (!err) {
        resolve(stdout);
        return;
      }
      const why = err.killed ? `timed out after ${timeoutMs} ms` : `${String(stderr).trim().split('\n').pop() || err.message}`;
      reject(new Error(`${argv.join(' ')} failed: ${why}`));
    });
  });

/** The commands the kill and its heal run. */
export function containerCommands(spec: ContainerSpec): { kill: string[]; heal: string[] } {
  if (!spec.containers.length) throw new Error('no container to stop');
  return spec.mode === 'pause'
    ? { kill: [spec.runtime, 'pause', ...spec.containers], heal: [spec.runtime, 'unpause', ...spec.containers] }
    : { kill: [spec.runtime, 'stop', '--time', '0', ...spec.containers], heal: [spec.runtime, 'start', ...spec.containers] };
}

export function containerPlan(region: string, spec: ContainerSpec, run: CommandRunner = runCommand): KillPlan {
  const { kill, heal } = containerCommands(spec);
  return {
    actuator: 'container',
    region,
    target: `${region}/containers ${spec.containers.join(', ')}`,
    description: kill.join(' '),
    strength: spec.mode === 'pause' ? 'isolation' : 'full',
    heal: heal.join(' '),
    revert: [{ kind: 'container-start', runtime: spec.runtime, mode: spec.mode, containers: spec.containers }],
    async apply(): Promise<KillOutcome> {
      const issuedAt = Date.now();
      await run(kill, COMMAND_TIMEOUT_MS);
      // The runtime returns once every container is stopped (or frozen).
      return { issuedAt, killedAt: Date.now(), detail: kill.join(' ') };
    },
  };
}
