/**
 * `npm run sim` in its own process, for tests that walk the sim as a live Sovereign: a walk's
 * faults then outlive the walk unless something reverts them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetSpec } from '../../src/target/types.js';
import { SIM_CLI } from './cli.js';

export interface SimProcess {
  child: ChildProcess;
  target: TargetSpec;
  /** `--kubeconfig region=path` for every region. */
  kubeconfigArgs: string[];
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

export async function startSimProcess(modules: string[]): Promise<SimProcess> {
  const targetOut = join(mkdtempSync(join(tmpdir(), 'sim-process-')), 'target.json');
  const child = spawn(process.execPath, [SIM_CLI, '--modules', modules.join(','), '--target-out', targetOut], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!existsSync(targetOut)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the sim did not start: ${stderr.trim() || 'no TargetSpec written'}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const target = JSON.parse(readFileSync(targetOut, 'utf8')) as TargetSpec;
  return {
    child,
    target,
    kubeconfigArgs: target.regions.flatMap((r) => ['--kubeconfig', `${r.name}=${r.kubeconfigPath}`]),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
