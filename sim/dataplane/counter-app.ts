/**
 * One region's counter app: fixtures/counter-app/server.mjs under node, talking to the region's
 * own PostgreSQL over TCP with the standard PG* variables, as its Deployment would; in the
 * region's host (namespace and address) when it has one.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/repo-root.js';
import { createInterface } from 'node:readline';
import type { NetHost } from '../host/netns.js';
import type { Ownership } from '../host/ownership.js';
import { appendLog, spawnGroup, type GroupProcess } from '../host/processes.js';

const SERVER = join(REPO_ROOT, 'fixtures/counter-app/server.mjs');
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 2_000;

export interface CounterAppOptions {
  region: string;
  pg: { host: string; port: number; user: string; password: string; database: string };
  logPath: string;
  /** Marker argument: every leftover can be found by it (`pgrep -f`). */
  tag: string;
  owner: Ownership;
  host?: NetHost;
}

export interface CounterApp {
  region: string;
  /** Where the router reaches it. */
  address: string;
  port: number;
  pid: number;
  alive(): boolean;
  stop(): Promise<void>;
}

function listeningPort(line: string): number | undefined {
  try {
    const msg = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return msg.msg === 'listening' && typeof msg.port === 'number' ? msg.port : undefined;
  } catch {
    return undefined;
  }
}

export async function startCounterApp(opts: CounterAppOptions): Promise<CounterApp> {
  const address = opts.host?.address ?? '127.0.0.1';
  const [command, ...args] = (opts.host?.exec ?? ((argv: string[]) => argv))([process.execPath, SERVER, `--sw-dataplane=${opts.tag}`]);
  const proc: GroupProcess = spawnGroup(command, args, {
    env: {
      PATH: process.env.PATH ?? '',
      PGHOST: opts.pg.host,
      PGPORT: String(opts.pg.port),
      PGUSER: opts.pg.user,
      PGPASSWORD: opts.pg.password,
      PGDATABASE: opts.pg.database,
      PG_POOL_SIZE: '10',
      REGION: opts.region,
      HOST: address,
      PORT: '0',
    },
    logPath: opts.logPath,
    stdout: 'pipe',
    owner: opts.owner,
  });
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`counter app of ${opts.region} did not listen within ${START_TIMEOUT_MS} ms (log: ${opts.logPath})`)), START_TIMEOUT_MS);
    const lines = createInterface({ input: proc.child.stdout! });
    let found = false;
    // The pipe is drained into the log for the app's whole life.
    lines.on('line', (line) => {
      appendLog(opts.logPath, `${line}\n`);
      const p = found ? undefined : listeningPort(line);
      if (p !== undefined) {
        found = true;
        clearTimeout(timer);
        resolve(p);
      }
    });
    void proc.exited().then(() => {
      clearTimeout(timer);
      if (!found) reject(new Error(`counter app of ${opts.region} exited before listening (log: ${opts.logPath})`));
    });
  });
  let port: number;
  try {
    port = await listening;
  } catch (err) {
    await proc.stop('SIGKILL', 0);
    throw err;
  }
  return {
    region: opts.region,
    address,
    port,
    pid: proc.pid,
    alive: () => proc.alive(),
    stop: () => proc.stop('SIGTERM', STOP_GRACE_MS),
  };
}
