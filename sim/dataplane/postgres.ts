/**
 * One region's PostgreSQL 15 server (Debian's binaries): in the region's host (its network
 * namespace, on its address) when it has one, else on 127.0.0.1. The primary is made by initdb,
 * the standby by pg_basebackup from it and streams over TCP as `streaming_replica`, across the
 * world bridge between hosts. Local (unix socket) connections are the sim's own superuser control
 * path (a socket file is reachable from every namespace); TCP needs a password.
 */
import { execFile } from 'node:child_process';
import { appendFile, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { NetHost } from '../host/netns.js';
import type { Ownership } from '../host/ownership.js';
import { spawnGroup, type GroupProcess, type RunAs } from '../host/processes.js';

const run = promisify(execFile);

export const PG_BIN = process.env.SW_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;
const QUERY_TIMEOUT_MS = 10_000;

/**
 * Settings both servers share (the standby inherits them through pg_basebackup).
 * `wal_retrieve_retry_interval` keeps promotion from stalling ≈ 5 s (toolchain notes); fsync is
 * off because a region kill here is a process kill, which never loses the kernel's page cache;
 * full page writes and `wal_log_hints` are what pg_rewind needs to rejoin a killed primary.
 */
const SHARED_SETTINGS = [
  'fsync = off',
  'full_page_writes = on',
  'wal_log_hints = on',
  'wal_level = replica',
  'max_wal_senders = 4',
  "wal_keep_size = '64MB'",
  'hot_standby = on',
  "wal_retrieve_retry_interval = '100ms'",
  "wal_sender_timeout = '5s'",
  "wal_receiver_timeout = '5s'",
  "wal_receiver_status_interval = '1s'",
  'max_connections = 80',
  "shared_buffers = '32MB'",
  'log_min_messages = warning',
];

function pgEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', LANG: 'C', LC_ALL: 'C', ...extra };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

async function ownedDir(path: string, runAs: RunAs | undefined): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  if (runAs) await chown(path, runAs.uid, runAs.gid);
}

async function runTool(tool: string, args: string[], runAs: RunAs | undefined, env: Record<string, string> = {}, cwd?: string): Promise<void> {
  try {
    await run(join(PG_BIN, tool), args, { env: pgEnv(env), ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}), timeout: 60_000, ...(cwd ? { cwd } : {}) });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`${tool} failed: ${stderr.split('\n').slice(-3).join(' | ') || (err as Error).message}`);
  }
}

/** The standby's replication login and the `application_name` it streams as. */
export interface Replication {
  user: string;
  password: string;
  applicationName: string;
}

export interface PgServerOptions {
  /** Region the server belongs to. */
  region: string;
  /** `cluster_name`: shown in every process title, so leftovers can be found by it. */
  clusterName: string;
  dir: string;
  runAs?: RunAs;
  /** The instance's ownership ledger: the next instance reaps a killed walk's postmaster. */
  owner?: Ownership;
  /** The region's host: the server runs in its namespace and listens on its address. */
  host?: NetHost;
}

export class PgServer {
  readonly dataDir: string;
  readonly socketDir: string;
  private proc?: GroupProcess;
  private portNumber = 0;
  private logPath = '';

  constructor(readonly opts: PgServerOptions) {
    this.dataDir = join(opts.dir, 'data');
    this.socketDir = join(opts.dir, 'sock');
  }

  get region(): string {
    return this.opts.region;
  }

  get port(): number {
    return this.portNumber;
  }

  /** Where TCP clients reach the server: its host's address, or loopback. */
  get address(): string {
    return this.opts.host?.address ?? '127.0.0.1';
  }

  /** The postmaster's pid (the leader of the server's process group). */
  get pid(): number {
    if (!this.proc) throw new Error(`postgres of ${this.region} is not started`);
    return this.proc.pid;
  }

  alive(): boolean {
    return this.proc?.alive() ?? false;
  }

  /** initdb: socket connections trusted, TCP by SCRAM password. */
  async initPrimary(): Promise<void> {
    await ownedDir(this.opts.dir, this.opts.runAs);
    await runTool('initdb', ['-D', this.dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync', '--no-instructions'], this.opts.runAs);
    await appendFile(join(this.dataDir, 'postgresql.conf'), `\n# sovereign-walk sim data plane\n${SHARED_SETTINGS.join('\n')}\n`);
    // Clients and the standby come from other hosts of the world segment (CNPG's pg_hba is as open, by password).
    await appendFile(join(this.dataDir, 'pg_hba.conf'), 'host all all 0.0.0.0/0 scram-sha-256\nhost replication all 0.0.0.0/0 scram-sha-256\n');
  }

  /** pg_basebackup from `primary`, then the standby settings (replication as `application_name` = this cluster). */
  async initStandby(primary: PgServer, replication: Replication): Promise<void> {
    await ownedDir(this.opts.dir, this.opts.runAs);
    await this.basebackup(primary, replication);
    await this.configureStandby(primary, replication);
  }

  /**
   * Brings this server (a killed primary, stopped) back as a standby of `primary`: pg_rewind onto
   * the new primary's timeline (it runs crash recovery first), or a fresh pg_basebackup where the
   * rewind fails; then started. `replication` undefined leaves it without a source (it never
   * streams). Returns how its data directory was made.
   */
  async rejoinAsStandby(primary: PgServer, replication: Replication | undefined): Promise<string> {
    let how = 'pg_rewind';
    try {
      await runTool('pg_rewind', ['-D', this.dataDir, '--source-server', `host=${primary.socketDir} port=${primary.port} user=postgres dbname=postgres`, '--no-sync'], this.opts.runAs, {}, this.opts.dir);
    } catch (err) {
      how = `pg_basebackup (${(err as Error).message})`;
      await rm(this.dataDir, { recursive: true, force: true });
      if (!replication) throw new Error(`${this.region}: pg_rewind failed and a base backup needs the replication login: ${(err as Error).message}`);
      await this.basebackup(primary, replication);
    }
    await this.configureStandby(primary, replication);
    await this.restart();
    return how;
  }

  private async basebackup(primary: PgServer, replication: Replication): Promise<void> {
    await runTool(
      'pg_basebackup',
      ['-D', this.dataDir, '-h', primary.address, '-p', String(primary.port), '-U', replication.user, '-X', 'stream', '-c', 'fast', '--no-sync'],
      this.opts.runAs,
      { PGPASSWORD: replication.password },
    );
  }

  /** postgresql.auto.conf rewritten (the source's settings do not carry over) and standby.signal. */
  private async configureStandby(primary: PgServer, replication: Replication | undefined): Promise<void> {
    const conninfo = replication ? `host=${primary.address} port=${primary.port} user=${replication.user} password=${replication.password} application_name=${replication.applicationName}` : '';
    const files = { 'postgresql.auto.conf': `primary_conninfo = '${conninfo}'\n`, 'standby.signal': '' };
    for (const [name, content] of Object.entries(files)) {
      const path = join(this.dataDir, name);
      await writeFile(path, content, { mode: 0o600 });
      if (this.opts.runAs) await chown(path, this.opts.runAs.uid, this.opts.runAs.gid);
    }
  }

  async start(logPath: string): Promise<void> {
    await ownedDir(this.socketDir, this.opts.runAs);
    this.portNumber = await freePort();
    this.logPath = logPath;
    await this.spawn();
  }

  /** Starts the stopped postmaster again on the port its clients know. */
  async restart(): Promise<void> {
    if (this.alive()) return;
    await this.spawn();
  }

  private async spawn(): Promise<void> {
    const { host, runAs } = this.opts;
    const argv = [join(PG_BIN, 'postgres'), '-D', this.dataDir, '-p', String(this.portNumber), '-k', this.socketDir, '-c', `listen_addresses=${[...new Set([this.address, '127.0.0.1'])].join(',')}`, '-c', `cluster_name=${this.opts.clusterName}`];
    // Entering a namespace needs root: `ip netns exec` as root, then setpriv drops to postgres (both exec, so the pid is the postmaster's).
    const [command, ...args] = host ? host.exec(runAs ? ['setpriv', `--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', '--', ...argv] : argv) : argv;
    this.proc = spawnGroup(command, args, { env: pgEnv(), logPath: this.logPath, ...(host ? {} : { runAs }), owner: this.opts.owner });
    await this.waitReady(this.logPath);
  }

  private async waitReady(logPath: string): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (!this.alive()) throw new Error(`postgres of ${this.region} exited during start-up (log: ${logPath})`);
      try {
        await this.query('SELECT 1');
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`postgres of ${this.region} not ready after ${READY_TIMEOUT_MS} ms (log: ${logPath})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** A TCP connection as `user`, from the world (crosses the bridge to a host): what another region's controller sees. */
  networkClient(user: string, password: string, timeoutMs: number): pg.Client {
    const client = new pg.Client({ host: this.address, port: this.portNumber, user, password, database: 'postgres', connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
    client.on('error', () => {});
    return client;
  }

  /** Superuser connection over the unix socket (the sim's control path, never the harness's). */
  controlClient(database = 'postgres', timeoutMs = QUERY_TIMEOUT_MS): pg.Client {
    const client = new pg.Client({ host: this.socketDir, port: this.portNumber, user: 'postgres', database, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
    client.on('error', () => {});
    return client;
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[], database = 'postgres'): Promise<R[]> {
    const client = this.controlClient(database);
    try {
      await client.connect();
      return (await client.query<R>(sql, values)).rows;
    } finally {
      await client.end().catch(() => {});
    }
  }

  /** Fast shutdown, then SIGKILL of whatever of the process group is left. */
  async stop(): Promise<void> {
    await this.proc?.stop('SIGINT', STOP_GRACE_MS);
  }
}
