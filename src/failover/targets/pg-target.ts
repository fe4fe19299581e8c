/**
 * Writes straight into PostgreSQL: one INSERT … RETURNING id per write on a small pool.
 *
 * `statement_timeout` does not cancel a backend waiting for a synchronous standby, so the
 * client-side timeout is enforced by destroying the connection of the write it abandons; the
 * pool opens a fresh one for the next write (reconnect on failure).
 */
import pg from 'pg';
import type { FinalState } from '../history.js';
import type { WriteAck, WriteRequest, WriteTarget } from '../writer.js';

export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface PgTargetOptions {
  /** Recorded as the endpoint of every write, e.g. the region or service name. */
  label: string;
  /** host/port/user/password/database/ssl, or a connectionString. */
  connection: pg.ClientConfig;
  /** Connect timeout and per-write timeout. */
  timeoutMs: number;
  poolSize?: number;
}

const DEFAULT_POOL_SIZE = 8;

export async function ensureCounterTable(client: Queryable): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS sw_counter (
    id BIGSERIAL PRIMARY KEY,
    key TEXT UNIQUE NOT NULL,
    writer TEXT NOT NULL,
    seq BIGINT NOT NULL,
    written_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
  )`);
}

function toId(value: unknown): number {
  const id = typeof value === 'string' ? Number(value) : value;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new Error(`unexpected id ${String(value)}`);
  return id;
}

export async function readFinal(client: Queryable): Promise<FinalState> {
  const result = await client.query<{ key: string; id: string }>('SELECT key, id FROM sw_counter ORDER BY id');
  return { rows: result.rows.map((row) => ({ key: row.key, id: toId(row.id) })) };
}

function abortError(): Error {
  return new Error('aborted by client-side timeout');
}

export function createPgTarget(opts: PgTargetOptions): WriteTarget {
  const pool = new pg.Pool({
    ...opts.connection,
    max: opts.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: opts.timeoutMs,
    keepAlive: true,
  });
  // Connection failures surface through the write that hit them; these only keep a dying idle
  // or checked-out connection from crashing the process with an unhandled 'error' event.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));

  return {
    endpoint: opts.label,
    async write({ key, writer, seq }: WriteRequest, signal: AbortSignal): Promise<WriteAck> {
      if (signal.aborted) throw abortError();
      const client = await pool.connect();
      let released = false;
      const release = (err?: Error): void => {
        if (released) return;
        released = true;
        client.release(err);
      };
      const onAbort = (): void => release(abortError());
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        if (signal.aborted) throw abortError();
        const result = await client.query<{ id: string }>(
          'INSERT INTO sw_counter (key, writer, seq) VALUES ($1, $2, $3) RETURNING id',
          [key, writer, seq],
        );
        release();
        return { id: toId(result.rows[0]?.id), endpoint: opts.label };
      } catch (err) {
        // A connection that failed mid-write is not trusted again.
        release(err instanceof Error ? err : new Error(String(err)));
        throw err;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
    async close() {
      await pool.end();
    },
  };
}
