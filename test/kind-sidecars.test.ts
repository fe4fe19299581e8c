import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mailpitRunArgs, postgresRunArgs } from '../src/sidecars/docker-args.js';
import { startMailpitContainer } from '../src/sidecars/mailpit.js';
import { startPostgresContainer } from '../src/sidecars/postgres.js';
import { shellQuote } from '../src/kind/render.js';
import type { CommandRunner, RunOptions, RunResult } from '../src/kind/runner.js';

const GOLDEN = new URL('./golden/kind/sidecars.txt', import.meta.url).pathname;
const CONTAINER_ID = 'c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789';

test('docker run argv of the side services matches the golden file', () => {
  const text = [
    `# throw-away Mailpit (ephemeral ports)\n${shellQuote(mailpitRunArgs({ name: 'sw-mailpit-test' }))}`,
    `# kind:up's Mailpit\n${shellQuote(mailpitRunArgs({ name: 'sw-kind-mailpit', network: 'kind', persistent: true, labels: ['sovereign-walk.kind=side-container'], hostPorts: { http: 18025, smtp: 11025 } }))}`,
    `# throw-away PostgreSQL\n${shellQuote(postgresRunArgs({ name: 'sw-postgres-test', user: 'sw', database: 'history' }))}`,
  ].join('\n\n') + '\n';
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, text);
  assert.ok(existsSync(GOLDEN), 'sidecars.txt has no golden file: regenerate with UPDATE_GOLDEN=1 after checking the output');
  assert.equal(text, readFileSync(GOLDEN, 'utf8'), 'sidecars.txt differs from the golden file (regenerate with UPDATE_GOLDEN=1 after checking the diff)');
  assert.ok(postgresRunArgs({ name: 'x', user: 'u', database: 'd' }).includes('POSTGRES_PASSWORD'), 'the password is passed by name only');
});

interface Call {
  argv: string[];
  opts: RunOptions;
}

/** A docker engine stand-in: `run` yields an id, `port` maps container ports to the given host ports. */
function fakeDocker(ports: Record<number, number>, run: RunResult = { exitCode: 0, stdout: `${CONTAINER_ID}\n`, stderr: '' }): CommandRunner & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async run(argv, opts = {}) {
      calls.push({ argv, opts });
      const ok = (stdout = '') => ({ exitCode: 0, stdout, stderr: '' });
      if (argv[1] === 'run') return run;
      if (argv[1] === 'port') {
        const port = ports[Number(argv[3].split('/')[0])];
        return port ? ok(`127.0.0.1:${port}\n`) : { exitCode: 1, stdout: '', stderr: `Error: No public port '${argv[3]}' published\n` };
      }
      if (argv[1] === 'logs') return ok('mailpit starting\nlistening\n');
      if (argv[1] === 'rm') return ok(`${CONTAINER_ID}\n`);
      throw new Error(`unexpected ${argv.join(' ')}`);
    },
  };
}

async function httpServer(status: number): Promise<Server> {
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/readyz' ? status : 404;
    res.end(req.url === '/readyz' && status === 200 ? 'ok' : 'not ready');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

test('startMailpitContainer: runs the container, reads back its ports, waits for /readyz, stop removes it', async () => {
  const server = await httpServer(200);
  try {
    const http = (server.address() as AddressInfo).port;
    const docker = fakeDocker({ 8025: http, 1025: 41025 });
    const mailpit = await startMailpitContainer({ runner: docker, name: 'sw-mailpit-t1' });
    assert.equal(mailpit.url, `http://127.0.0.1:${http}`);
    assert.deepEqual(mailpit.mailbox, { kind: 'mailpit', url: mailpit.url });
    assert.deepEqual(mailpit.smtp, { host: '127.0.0.1', port: 41025 });
    assert.deepEqual(docker.calls[0].argv, mailpitRunArgs({ name: 'sw-mailpit-t1' }));
    await mailpit.stop();
    assert.deepEqual(docker.calls.at(-1)?.argv, ['docker', 'rm', '--force', '--volumes', CONTAINER_ID]);
  } finally {
    server.close();
  }
});

test('startMailpitContainer: never ready → error names the probe, container removed with its logs reported', async () => {
  const server = await httpServer(503);
  try {
    const docker = fakeDocker({ 8025: (server.address() as AddressInfo).port, 1025: 41025 });
    await assert.rejects(startMailpitContainer({ runner: docker, name: 'sw-mailpit-t2', readyTimeoutMs: 600 }), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /^Mailpit at http:\/\/127\.0\.0\.1:\d+ was not ready within 600 ms: GET http:\/\/127\.0\.0\.1:\d+\/readyz answered 503; container sw-mailpit-t2 removed/);
      assert.match(e.message, /listening/);
      return true;
    });
    assert.deepEqual(docker.calls.map((c) => c.argv[1]).slice(-2), ['logs', 'rm']);
  } finally {
    server.close();
  }
});

test('startMailpitContainer: docker run fails → its reason, nothing to remove', async () => {
  const docker = fakeDocker({}, { exitCode: 125, stdout: '', stderr: "Unable to find image 'axllent/mailpit:v1.21.8' locally\ndocker: Error response from daemon: pull access denied.\n" });
  await assert.rejects(startMailpitContainer({ runner: docker, name: 'sw-mailpit-t3' }), /^Error: docker run sw-mailpit-t3 failed: Unable to find image 'axllent\/mailpit:v1\.21\.8' locally$/);
  assert.deepEqual(docker.calls.map((c) => c.argv[1]), ['run']);
});

/** A real PostgreSQL 15 on loopback (run as user postgres), standing in for the container's published port. */
async function localPostgres(): Promise<{ port: number; stop(): void }> {
  const bin = '/usr/lib/postgresql/15/bin';
  const dir = mkdtempSync(join(tmpdir(), 'sw-sidecar-pg-'));
  chmodSync(dir, 0o755);
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const asPostgres = (args: string[]) => execFileSync(args[0], args.slice(1), { uid, gid, stdio: 'pipe' });
  asPostgres([`${bin}/initdb`, '-D', data, '-A', 'trust', '-U', 'sw', '--no-sync']);
  const port = await freePort();
  asPostgres([`${bin}/pg_ctl`, '-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  return {
    port,
    stop() {
      asPostgres([`${bin}/pg_ctl`, '-D', data, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('startPostgresContainer: password via the environment only, ready once SELECT 1 answers', async () => {
  const pg = await localPostgres();
  try {
    const docker = fakeDocker({ 5432: pg.port });
    const env: NodeJS.ProcessEnv = {};
    const sidecar = await startPostgresContainer({ runner: docker, name: 'sw-postgres-t1', database: 'postgres', env });
    const password = env.SW_SIDECAR_PG_PASSWORD;
    assert.ok(password && password.length >= 20, 'a password was generated into SW_SIDECAR_PG_PASSWORD');
    const run = docker.calls[0];
    assert.deepEqual(run.argv, postgresRunArgs({ name: 'sw-postgres-t1', user: 'sw', database: 'postgres' }));
    assert.ok(!run.argv.join(' ').includes(password), 'never in the argv');
    assert.deepEqual(run.opts.env, { POSTGRES_PASSWORD: password });
    assert.equal(sidecar.url, `postgres://sw@127.0.0.1:${pg.port}/postgres`);
    assert.deepEqual(sidecar.database, { label: 'sidecar sw-postgres-t1', host: '127.0.0.1', port: pg.port, database: 'postgres', user: 'sw', passwordEnv: 'SW_SIDECAR_PG_PASSWORD' });
    await sidecar.stop();
    assert.equal(docker.calls.at(-1)?.argv[1], 'rm');
  } finally {
    pg.stop();
  }
});

test('startPostgresContainer: nothing accepting connections → bounded wait, container removed', async () => {
  const port = await freePort();
  const docker = fakeDocker({ 5432: port });
  const env: NodeJS.ProcessEnv = { SW_SIDECAR_PG_PASSWORD: 'preset-password-value' };
  await assert.rejects(startPostgresContainer({ runner: docker, name: 'sw-postgres-t2', readyTimeoutMs: 1200, env }), (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, new RegExp(`^PostgreSQL at 127\\.0\\.0\\.1:${port} was not ready within 1200 ms: .*ECONNREFUSED.*; container sw-postgres-t2 removed`));
    assert.ok(!e.message.includes('preset-password-value'));
    return true;
  });
  assert.deepEqual(docker.calls[0].opts.env, { POSTGRES_PASSWORD: 'preset-password-value' }, 'an existing password is used');
  assert.equal(docker.calls.at(-1)?.argv[1], 'rm');
});
