/**
 * A throw-away PostgreSQL beside a kind target (e.g. a standalone history check). The password
 * is handed to docker through its environment (never its argv) and exposed to the harness the
 * way every DatabaseEndpoint is: through the environment variable `passwordEnv` names.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { registerSecret } from '../evidence/redact.js';
import type { DatabaseEndpoint } from '../target/types.js';
import { zxRunner, type CommandRunner } from '../kind/runner.js';
import { runContainer, startOrCleanUp, waitUntilReady, type Sidecar } from './container.js';
import { POSTGRES_PASSWORD_VAR, POSTGRES_PORT, postgresRunArgs } from './docker-args.js';

export const SIDECAR_PG_PASSWORD_ENV = 'SW_SIDECAR_PG_PASSWORD';

export interface PostgresSidecar extends Sidecar {
  /** `postgres://user@127.0.0.1:port/db` (no password). */
  url: string;
  database: DatabaseEndpoint;
}

export interface StartPostgresOptions {
  runner?: CommandRunner;
  name?: string;
  image?: string;
  user?: string;
  database?: string;
  /** Variable that holds (or receives, when unset) the password. */
  passwordEnv?: string;
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

async function selectOne(config: pg.ClientConfig): Promise<void> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startPostgresContainer(opts: StartPostgresOptions = {}): Promise<PostgresSidecar> {
  const runner = opts.runner ?? zxRunner;
  const env = opts.env ?? process.env;
  const user = opts.user ?? 'sw';
  const databaseName = opts.database ?? 'sw';
  const passwordEnv = opts.passwordEnv ?? SIDECAR_PG_PASSWORD_ENV;
  const password = env[passwordEnv] ?? randomBytes(18).toString('base64url');
  env[passwordEnv] = password;
  registerSecret(password);
  const name = opts.name ?? `sw-postgres-${randomBytes(4).toString('hex')}`;
  const argv = postgresRunArgs({ name, image: opts.image, user, database: databaseName });
  const handle = await runContainer(runner, argv, name, { env: { [POSTGRES_PASSWORD_VAR]: password } });
  return startOrCleanUp(handle, async () => {
    const port = await handle.hostPort(POSTGRES_PORT);
    const database: DatabaseEndpoint = { label: `sidecar ${name}`, host: '127.0.0.1', port, database: databaseName, user, passwordEnv };
    await waitUntilReady(
      `PostgreSQL at 127.0.0.1:${port}`,
      () => selectOne({ host: '127.0.0.1', port, user, password, database: databaseName }),
      opts.readyTimeoutMs ?? 60_000,
      500,
    );
    return { url: `postgres://${user}@127.0.0.1:${port}/${databaseName}`, database, stop: () => handle.remove() };
  });
}
