/**
 * Which writer drives the failover load, and where the final state is read. Writes go to the
 * counter app (`target.counterUrl`) with k6 when one is installed (`--k6`, else PATH; else the Node writer), or
 * straight into the database (`target.database`) when the target has no counter URL. The final
 * state comes from the database when the target names one, else from `GET <counterUrl>/final`.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import pg from 'pg';
import { findK6, runK6Writer, type K6Binary } from '../../failover/k6.js';
import { parseFinal, type FinalState, type WriteRecord } from '../../failover/history.js';
import { createHttpTarget } from '../../failover/targets/http-target.js';
import { createPgTarget, ensureCounterTable, readFinal } from '../../failover/targets/pg-target.js';
import { runWriter, summarizeWrites, type WriterStats, type WriteTarget } from '../../failover/writer.js';
import { FAILOVER_TESTRUN, runInClusterLoad } from '../../failover/in-cluster-load.js';
import type { FaultLedger } from '../../chaos/ledger.js';
import type { RegionClient } from '../../target/kube.js';
import { registerSecret } from '../../evidence/redact.js';
import { HttpClient, matchRule } from '../../target/http.js';
import type { DatabaseEndpoint, TargetSpec } from '../../target/types.js';

export const WRITE_TIMEOUT_MS = 2_000;

export type WriterKind = 'k6-http' | 'node-http' | 'k6-sql' | 'node-sql' | 'k6-operator';

export interface WriterRun {
  ratePerSec: number;
  durationMs: number;
  signal: AbortSignal;
  onRecord: (r: WriteRecord) => void;
}

export interface Writer {
  kind: WriterKind;
  /** Which writer ran, against what (for the report). */
  description: string;
  /** The k6 that writes, recorded in the evidence with its version. */
  k6?: K6Binary;
  /** A Node write target on the same path, for the pre-kill probe write. */
  probeTarget(): WriteTarget;
  /** Idempotent set-up before the first write (the counter table on the SQL path). */
  prepare(): Promise<void>;
  run(opts: WriterRun): Promise<WriterStats>;
}

/** A database with a CA is reached over TLS only, its certificate verified against that CA and its host name. */
export function databaseConnection(db: DatabaseEndpoint, env: NodeJS.ProcessEnv): pg.ClientConfig {
  const password = env[db.passwordEnv];
  if (!password) throw new Error(`${db.passwordEnv} is not set: it holds the password of ${db.user}@${db.host}:${db.port}/${db.database}`);
  registerSecret(password);
  const ssl = db.caFile ? { ca: readFileSync(db.caFile, 'utf8'), rejectUnauthorized: true, servername: isIP(db.host) ? undefined : db.host } : undefined;
  return { host: db.host, port: db.port, user: db.user, password, database: db.database, ssl };
}

/** The k6 SQL writer's connection string: `verify-full` against the database's CA when it has one. */
export function k6ConnectionString(db: DatabaseEndpoint, password: string): string {
  const tls = db.caFile ? `sslmode=verify-full&sslrootcert=${encodeURIComponent(db.caFile)}` : 'sslmode=disable';
  return `postgres://${encodeURIComponent(db.user)}:${encodeURIComponent(password)}@${db.host}:${db.port}/${encodeURIComponent(db.database)}?${tls}`;
}

function k6Hosts(target: Pick<TargetSpec, 'resolve'>, url: URL): Record<string, string> | undefined {
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const rule = matchRule(target.resolve, url.hostname, port);
  return rule ? { [`${url.hostname}:${port}`]: `${rule.address}:${rule.targetPort}` } : undefined;
}

export interface WriterChoice {
  /** `node` forces the Node writer even where k6 exists. */
  prefer?: 'auto' | 'node';
  /** `--k6 <path>`: the only k6 considered. */
  k6Path?: string;
  env?: NodeJS.ProcessEnv;
  findK6?: typeof findK6;
  /** `--load k6-operator`: a TestRun in this (surviving) region writes, recorded in this ledger. */
  inCluster?: { region: RegionClient; ledger: FaultLedger; runId: string };
  /** Prefixed to every writer id, so to every key (`<tag>.w1-7`): the walk's own rows, apart from earlier walks'. */
  tag?: string;
}

/** Why the Node writer runs although k6 was not ruled out. */
function noK6(choice: WriterChoice, sql: boolean): string {
  if (choice.prefer === 'node') return '';
  const missing = sql ? 'with the xk6-sql postgres driver ' : '';
  return choice.k6Path === undefined
    ? ` (no k6 binary ${missing}on PATH: install k6 or pass --k6 <path>)`
    : ` (--k6 ${choice.k6Path} is no k6 ${missing}the harness can use)`;
}

export async function chooseWriter(target: TargetSpec, http: HttpClient, choice: WriterChoice = {}): Promise<Writer> {
  const id = (writer: string): string => (choice.tag ? `${choice.tag}.${writer}` : writer);
  const env = choice.env ?? process.env;
  const k6Finder = choice.findK6 ?? findK6;
  if (target.counterUrl) {
    const baseUrl = target.counterUrl;
    const probeTarget = (): WriteTarget => createHttpTarget({ baseUrl, dispatcher: http.dispatcher });
    if (choice.inCluster) {
      const inCluster = choice.inCluster;
      return {
        kind: 'k6-operator',
        description: `k6-operator TestRun ${FAILOVER_TESTRUN.namespace}/${FAILOVER_TESTRUN.name} (parallelism ${FAILOVER_TESTRUN.parallelism}) in ${inCluster.region.name} over HTTP to ${baseUrl}`,
        probeTarget,
        prepare: async () => {},
        run: (o) => runInClusterWriter(inCluster, baseUrl, id('k6v'), o),
      };
    }
    const k6: K6Binary | null = choice.prefer === 'node' ? null : await k6Finder({ path: choice.k6Path });
    if (k6) {
      const hosts = k6Hosts(target, new URL(baseUrl));
      return {
        kind: 'k6-http',
        description: `k6 ${k6.version} (${k6.path}) over HTTP to ${baseUrl}`,
        k6,
        probeTarget,
        prepare: async () => {},
        run: (o) => runK6Writer({ k6, script: { kind: 'http', baseUrl, hosts, caFile: target.caFile }, ratePerSec: o.ratePerSec, durationMs: o.durationMs, writerId: id('k6v'), timeoutMs: WRITE_TIMEOUT_MS, onRecord: o.onRecord, signal: o.signal }),
      };
    }
    return {
      kind: 'node-http',
      description: `Node writer over HTTP to ${baseUrl}${noK6(choice, false)}`,
      probeTarget,
      prepare: async () => {},
      run: (o) => runNode(probeTarget(), id('w1'), o),
    };
  }
  if (!target.database) throw new Error('the target has neither a counter URL nor a database endpoint to write to');
  const db = target.database;
  const connection = databaseConnection(db, env);
  const probeTarget = (): WriteTarget => createPgTarget({ label: db.label, connection, timeoutMs: WRITE_TIMEOUT_MS });
  const prepare = async (): Promise<void> => {
    const client = new pg.Client({ ...connection, connectionTimeoutMillis: WRITE_TIMEOUT_MS * 5 });
    client.on('error', () => {});
    await client.connect();
    try {
      await ensureCounterTable(client);
    } finally {
      await client.end().catch(() => {});
    }
  };
  const k6 = choice.prefer === 'node' ? null : await k6Finder({ path: choice.k6Path, sql: true });
  const where = `${db.user}@${db.host}:${db.port}/${db.database} (${db.label})`;
  if (k6) {
    const connectionString = k6ConnectionString(db, String(connection.password));
    return {
      kind: 'k6-sql',
      description: `k6 ${k6.version} with xk6-sql (${k6.path}) into ${where}`,
      k6,
      probeTarget,
      prepare,
      run: (o) => runK6Writer({ k6, script: { kind: 'sql', connectionString, endpoint: db.label }, ratePerSec: o.ratePerSec, durationMs: o.durationMs, writerId: id('k6s'), timeoutMs: WRITE_TIMEOUT_MS, onRecord: o.onRecord, signal: o.signal }),
    };
  }
  return { kind: 'node-sql', description: `Node writer into ${where}${noK6(choice, true)}`, probeTarget, prepare, run: (o) => runNode(probeTarget(), id('w1'), o) };
}

/** The records arrive when the runners are done (their logs), so RTO is judged after the run, not while it goes. */
async function runInClusterWriter(inCluster: NonNullable<WriterChoice['inCluster']>, baseUrl: string, writerId: string, o: WriterRun): Promise<WriterStats> {
  const sentAts: number[] = [];
  let acked = 0;
  let errors = 0;
  const result = await runInClusterLoad({
    ...inCluster,
    testRun: { ...FAILOVER_TESTRUN, rate: o.ratePerSec, duration: `${Math.ceil(o.durationMs / 1000)}s`, baseUrl, writerId },
    // Runner start-up (image pull, initializer) on top of the run itself.
    timeoutMs: o.durationMs + 120_000,
    signal: o.signal,
    onRecord: (r) => {
      sentAts.push(r.sentAt);
      if (r.ackAt !== null) acked++;
      else errors++;
      o.onRecord(r);
    },
  });
  if (result.outcome === 'error') throw new Error(`the k6-operator TestRun ended in error (stages ${result.stages.join(' → ')})`);
  return summarizeWrites(sentAts, { acked, errors, skipped: 0 }, 'k6');
}

async function runNode(target: WriteTarget, writerId: string, o: WriterRun): Promise<WriterStats> {
  try {
    return await runWriter({ target, ratePerSec: o.ratePerSec, durationMs: o.durationMs, writerId, timeoutMs: WRITE_TIMEOUT_MS, onRecord: o.onRecord, signal: o.signal });
  } finally {
    await target.close();
  }
}

/** Where the final state was read. */
export interface FinalRead {
  final: FinalState;
  source: string;
}

/** The survivor's rows, retried for `timeoutMs` (the endpoint may still be moving to the new primary). */
export async function readFinalState(target: TargetSpec, http: HttpClient, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<FinalRead> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      if (target.database) {
        const db = target.database;
        const client = new pg.Client({ ...databaseConnection(db, env), connectionTimeoutMillis: 3_000, query_timeout: 10_000 });
        client.on('error', () => {});
        await client.connect();
        try {
          return { final: await readFinal(client), source: `SELECT key, id FROM sw_counter on ${db.host}:${db.port}/${db.database} (${db.label}${db.caFile ? ', TLS verified' : ''})` };
        } finally {
          await client.end().catch(() => {});
        }
      }
      if (!target.counterUrl) throw new Error('the target has neither a database endpoint nor a counter URL to read from');
      const url = `${target.counterUrl.replace(/\/$/, '')}/final`;
      const x = await http.request(url, { timeoutMs: 10_000 });
      if (x.response?.status !== 200) throw new Error(`GET ${url}: ${x.error ?? `HTTP ${x.response?.status}: ${x.response?.body.slice(0, 200)}`}`);
      return { final: parseFinal(HttpClient.fullBody(x), url), source: `GET ${url}` };
    } catch (err) {
      lastError = (err as Error).message;
      if (Date.now() > deadline) throw new Error(`final state unreadable after ${timeoutMs / 1000} s: ${lastError}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
