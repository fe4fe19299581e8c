/**
 * The life cycle shared by the side containers: `docker run -d`, read back the host port docker
 * chose, wait until the service answers, and on any failure remove the container again so a
 * failed start leaves nothing behind. This is what the `testcontainers` library does; a thin
 * wrapper over the docker CLI keeps the dependency surface small.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { redact } from '../evidence/redact.js';
import { firstLine, tail, type CommandRunner, type RunOptions } from '../kind/runner.js';

/** A running side service: where to reach it, and how to remove it. */
export interface Sidecar {
  url: string;
  stop(): Promise<void>;
}

export interface ContainerHandle {
  id: string;
  name: string;
  hostPort(containerPort: number): Promise<number>;
  logs(): Promise<string>;
  remove(): Promise<void>;
}

const CONTAINER_ID = /^[0-9a-f]{12,64}$/;

export async function runContainer(runner: CommandRunner, argv: string[], name: string, opts: RunOptions = {}): Promise<ContainerHandle> {
  const result = await runner.run(argv, { ...opts, timeoutMs: opts.timeoutMs ?? 180_000 });
  const id = result.stdout.trim().split('\n').pop() ?? '';
  if (result.exitCode !== 0 || !CONTAINER_ID.test(id)) {
    throw new Error(redact(`docker run ${name} failed: ${firstLine(result)}`));
  }
  return {
    id,
    name,
    async hostPort(containerPort) {
      const port = await runner.run(['docker', 'port', id, `${containerPort}/tcp`], { timeoutMs: 20_000 });
      const match = /:(\d+)\s*$/m.exec(port.stdout.split('\n')[0] ?? '');
      if (port.exitCode !== 0 || !match) throw new Error(`docker port ${name} ${containerPort}/tcp: ${firstLine(port)}`);
      return Number(match[1]);
    },
    async logs() {
      const logs = await runner.run(['docker', 'logs', '--tail', '20', id], { timeoutMs: 20_000 });
      return redact(tail(`${logs.stdout}\n${logs.stderr}`, 20));
    },
    async remove() {
      const rm = await runner.run(['docker', 'rm', '--force', '--volumes', id], { timeoutMs: 60_000 });
      if (rm.exitCode !== 0 && !rm.stderr.includes('No such container')) throw new Error(`docker rm ${name}: ${firstLine(rm)}`);
    },
  };
}

/** Polls `probe` until it resolves (bounded by `timeoutMs`); the last error names why it never did. */
export async function waitUntilReady(what: string, probe: () => Promise<void>, timeoutMs: number, intervalMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not probed';
  for (;;) {
    try {
      await probe();
      return;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() + intervalMs > deadline) throw new Error(redact(`${what} was not ready within ${timeoutMs} ms: ${last}`));
    await sleep(intervalMs);
  }
}

/** Runs `ready` against a started container; on failure removes it and reports its last log lines. */
export async function startOrCleanUp<T>(handle: ContainerHandle, ready: () => Promise<T>): Promise<T> {
  try {
    return await ready();
  } catch (e) {
    const logs = await handle.logs().catch(() => '(no logs)');
    await handle.remove().catch(() => undefined);
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(`${message}; container ${handle.name} removed; its last log lines:\n${logs}`);
  }
}
