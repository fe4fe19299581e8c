/**
 * The counter app's database as a cross-region pair, the sim's bp-cnpg-pair: a primary in the
 * primary region and a streaming standby in the secondary region. ADR-0004's synchronous
 * replication (`FIRST 1 (<replica>)`, `remote_apply`) is switched on only once the standby
 * streams, and only on the primary (toolchain notes: otherwise commits wait forever). A promotion
 * swaps the roles (and the names: the replica's cluster is always the other one); the killed
 * primary comes back as the standby of the promoted one (rejoin).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { ensureCounterTable } from '../../src/failover/targets/pg-target.js';
import { REPLICATION_USER } from './objects.js';
import { PgServer } from './postgres.js';
import type { RunAs } from '../host/processes.js';
import type { NetHost } from '../host/netns.js';
import type { Ownership } from '../host/ownership.js';
const STREAMING_TIMEOUT_MS = 15_000;
/** The Continuum's monitoring login: it judges the primary's liveness over the network, as from another region. */
export const MONITOR_USER = 'sw_continuum';

export interface PairNames {
  primaryRegion: string;
  replicaRegion: string;
  /** CNPG cluster names; the replica's is also its `application_name` on the primary. */
  primaryCluster: string;
  replicaCluster: string;
  database: string;
  owner: string;
}

export interface ReplicationState {
  /** The standby's walsender is in state `streaming`. */
  streaming: boolean;
  /** The standby is the synchronous one (`sync_state = 'sync'`). */
  sync: boolean;
}

function secret(): string {
  return randomBytes(18).toString('base64url');
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

async function poll<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export class DbPair {
  primary: PgServer;
  standby: PgServer;
  readonly ownerPassword: string;
  private readonly replicationPassword = secret();
  readonly monitorPassword = secret();

  constructor(
    public names: PairNames,
    private readonly dir: string,
    tag: string,
    runAs: RunAs | undefined,
    ownerPassword: string,
    owner: Ownership,
    hosts: { primary?: NetHost; replica?: NetHost } = {},
  ) {
    this.ownerPassword = ownerPassword;
    this.primary = new PgServer({ region: names.primaryRegion, clusterName: `${tag}-${names.primaryCluster}`, dir: join(dir, names.primaryCluster), runAs, owner, ...(hosts.primary ? { host: hosts.primary } : {}) });
    this.standby = new PgServer({ region: names.replicaRegion, clusterName: `${tag}-${names.replicaCluster}`, dir: join(dir, names.replicaCluster), runAs, owner, ...(hosts.replica ? { host: hosts.replica } : {}) });
  }

  /** Primary up with roles, database and table; standby streaming; sync replication on unless `synchronous` is false. */
  async start(opts: { synchronous: boolean }): Promise<void> {
    const { names } = this;
    await this.primary.initPrimary();
    await this.primary.start(join(this.dir, `${names.primaryCluster}.log`));
    await this.primary.query(`CREATE ROLE ${REPLICATION_USER} WITH REPLICATION LOGIN PASSWORD ${quoteLiteral(this.replicationPassword)}`);
    await this.primary.query(`CREATE ROLE ${quoteIdent(names.owner)} LOGIN PASSWORD ${quoteLiteral(this.ownerPassword)}`);
    await this.primary.query(`CREATE ROLE ${MONITOR_USER} LOGIN PASSWORD ${quoteLiteral(this.monitorPassword)} IN ROLE pg_monitor`);
    await this.primary.query(`CREATE DATABASE ${quoteIdent(names.database)} OWNER ${quoteIdent(names.owner)}`);
    const owner = new pg.Client({ host: this.primary.address, port: this.primary.port, user: names.owner, password: this.ownerPassword, database: names.database, connectionTimeoutMillis: 5000 });
    await owner.connect();
    try {
      await ensureCounterTable(owner);
    } finally {
      await owner.end();
    }

    await this.standby.initStandby(this.primary, this.replication());
    await this.standby.start(join(this.dir, `${names.replicaCluster}.log`));
    await poll('standby streaming', STREAMING_TIMEOUT_MS, async () => ((await this.replicationState()).streaming ? true : undefined));
    if (!opts.synchronous) return;
    await this.requireSynchronousStandby();
    await poll('synchronous standby', STREAMING_TIMEOUT_MS, async () => ((await this.replicationState()).sync ? true : undefined));
  }

  private replication(): { user: string; password: string; applicationName: string } {
    return { user: REPLICATION_USER, password: this.replicationPassword, applicationName: this.names.replicaCluster };
  }

  /** ADR-0004's synchronous replication on the primary, to the standby of the moment. */
  async requireSynchronousStandby(): Promise<void> {
    await this.primary.query(`ALTER SYSTEM SET synchronous_standby_names = ${quoteLiteral(`FIRST 1 (${quoteIdent(this.names.replicaCluster)})`)}`);
    await this.primary.query("ALTER SYSTEM SET synchronous_commit = 'remote_apply'");
    await this.primary.query('SELECT pg_reload_conf()');
  }

  /**
   * The standby (the killed primary after a promotion) back as the standby of the primary, as its
   * instance manager brings it up after the region's boot; `stream: false` leaves it without a
   * source (heal:no-rejoin). Returns how its data directory was made (pg_rewind or a base backup).
   */
  async rejoin(opts: { stream: boolean }): Promise<string> {
    return this.standby.rejoinAsStandby(this.primary, opts.stream ? this.replication() : undefined);
  }

  /** What the primary's pg_stat_replication says about the standby (not streaming when the primary does not answer). */
  async replicationState(): Promise<ReplicationState> {
    const rows = await this.primary.query<{ state: string; sync_state: string }>('SELECT state, sync_state FROM pg_stat_replication WHERE application_name = $1', [this.names.replicaCluster]);
    const row = rows[0];
    return { streaming: row?.state === 'streaming', sync: row?.state === 'streaming' && row.sync_state === 'sync' };
  }

  /** Cuts the standby off its primary (`primary_conninfo = ''` + reload): what it has not received is lost on promotion. */
  async detachStandby(): Promise<void> {
    await this.standby.query("ALTER SYSTEM SET primary_conninfo = ''");
    await this.standby.query('SELECT pg_reload_conf()');
  }

  /** Epoch ms of the last transaction the standby replayed, or null when it replayed none. */
  async standbyReplayedAt(): Promise<number | null> {
    const rows = await this.standby.query<{ at: Date | null }>('SELECT pg_last_xact_replay_timestamp() AS at');
    const at = rows[0]?.at;
    return at instanceof Date ? at.getTime() : null;
  }

  /** `pg_promote(wait => true)`: resolves once the standby accepts writes; then the roles are swapped. */
  async promoteStandby(): Promise<void> {
    const rows = await this.standby.query<{ promoted: boolean }>('SELECT pg_promote(true, 10) AS promoted');
    if (rows[0]?.promoted !== true) throw new Error(`pg_promote on ${this.names.replicaCluster} did not finish within 10 s`);
    const { primaryRegion, replicaRegion, primaryCluster, replicaCluster } = this.names;
    this.names = { ...this.names, primaryRegion: replicaRegion, replicaRegion: primaryRegion, primaryCluster: replicaCluster, replicaCluster: primaryCluster };
    [this.primary, this.standby] = [this.standby, this.primary];
  }

  async stop(): Promise<void> {
    await Promise.all([this.primary.stop(), this.standby.stop()]);
  }
}
