/**
 * A throw-away PostgreSQL 15 for tests: initdb in a temp dir, trust auth, loopback on a random
 * port, unix socket inside the temp dir, fsync off. PostgreSQL refuses to run as root, so when
 * the tests run as root the server runs as the `postgres` user.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_BIN = process.env.SW_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

export interface TempPostgres {
  port: number;
  connectionString: string;
  /** Fast shutdown (clients see their connections terminated), then the data is removed. */
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilReady(connectionString: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}: ${log()}`);
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
    }
    if (Date.now() > deadline) throw new Error(`postgres not ready after ${READY_TIMEOUT_MS}ms: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startTempPostgres(): Promise<TempPostgres> {
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'sw-pg-'));
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  mkdirSync(socketDir);
  if (user !== undefined) {
    chownSync(dir, user.uid, user.gid);
    chownSync(socketDir, user.uid, user.gid);
  }
  const spawnAs = user === undefined ? {} : { uid: user.uid, gid: user.gid };
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });

  try {
    execFileSync(join(PG_BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
      ...spawnAs,
      stdio: 'pipe',
      env: { PATH: process.env.PATH ?? '', LANG: 'C', LC_ALL: 'C' },
    });
  } catch (err) {
    removeDir();
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`initdb failed: ${stderr || (err as Error).message}`);
  }

  const port = await freePort();
  let output = '';
  const child = spawn(
    join(PG_BIN, 'postgres'),
    [
      '-D', dataDir,
      '-p', String(port),
      '-k', socketDir,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ],
    { ...spawnAs, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', LANG: 'C', LC_ALL: 'C' } },
  );
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Never leave a postgres behind if the test process dies without calling stop().
  const killOnExit = (): void => {
    child.kill('SIGKILL');
    removeDir();
  };
  process.once('exit', killOnExit);

  const connectionString = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      removeDir();
    })();
    return stopped;
  };

  try {
    await waitUntilReady(connectionString, child, () => output.trim());
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, connectionString, stop };
}
