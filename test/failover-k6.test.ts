/**
 * What the harness hands the k6 it finds (arguments, environment, script) and how it reads what k6
 * prints back, against a stand-in `k6` that records its call: these run whether or not k6 is
 * installed. The run against a real k6 is in failover-writer.test.ts (skipped without one).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WriteRecord } from '../src/failover/history.js';
import { findK6, inspectK6, MIN_K6_VERSION, requireK6, runK6Writer, type K6Binary } from '../src/failover/k6.js';
import { SetupError } from '../src/target/errors.js';
import { REPO_ROOT } from '../src/repo-root.js';
import { parse } from 'yaml';

const VERSION_1 = 'k6 v1.3.0 (commit/5870e99ae8, go1.24.6, linux/amd64)';
const SQL_EXTENSION = 'Extensions:\n  github.com/grafana/xk6-sql-driver-postgres v0.1.1, k6/x/sql/driver/postgres [js]';

let dir: string;

/** A `k6` that answers `version` with `version` and, for `run`, records argv and environment, prints `out` and exits `code`. */
function fakeK6(name: string, opts: { version?: string; out?: string[]; code?: number } = {}): string {
  const path = join(dir, name, 'k6');
  const lines = (opts.out ?? []).map((l) => `printf '%s\\n' '${l.replace(/'/g, `'\\''`)}'`).join('\n');
  writeFileSync(
    path,
    `#!/bin/sh
if [ "$1" = version ]; then printf '%s\\n' '${(opts.version ?? VERSION_1).replace(/\n/g, "'\n printf '%s\\n' '")}'; exit 0; fi
printf '%s\\n' "$@" > "${dir}/${name}/argv"
env > "${dir}/${name}/env"
${lines}
exit ${opts.code ?? 0}
`,
    { flag: 'w' },
  );
  chmodSync(path, 0o755);
  return path;
}

function makeDir(name: string): void {
  rmSync(join(dir, name), { recursive: true, force: true });
  mkdirSync(join(dir, name));
}

function record(seq: number, ack: boolean, writer = 'k6v1'): string {
  const base = { key: `${writer}-${seq}`, writer, seq, sentAt: 1_000 + seq * 100, endpoint: 'hz-fsn-rtz-prod' };
  return `SWH ${JSON.stringify(ack ? { ...base, ackAt: 1_010 + seq * 100, id: seq, error: null } : { ...base, ackAt: null, id: null, error: 'request timeout' })}`;
}

function envOf(name: string): Map<string, string> {
  return new Map(
    readFileSync(join(dir, name, 'env'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('k6 as found, not built', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sw-fake-k6-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('inspectK6 reads the version; an old k6, something else, or nothing is unusable and says why', async () => {
    for (const name of ['new', 'old', 'other', 'sql', 'empty']) makeDir(name);
    assert.deepEqual(await inspectK6(fakeK6('new')), { path: join(dir, 'new', 'k6'), version: 'v1.3.0', sql: false });
    assert.deepEqual(await inspectK6(fakeK6('sql', { version: `${VERSION_1}\n${SQL_EXTENSION}` })), { path: join(dir, 'sql', 'k6'), version: 'v1.3.0', sql: true });
    assert.deepEqual(await inspectK6(fakeK6('old', { version: 'k6 v0.49.0 (2024-01-29T11:35:48+0000/v0.49.0-0-g4f3ecb0b, go1.21.6, linux/amd64)' })), {
      unusable: `${join(dir, 'old', 'k6')} is k6 v0.49.0; the harness needs k6 v${MIN_K6_VERSION} or later`,
    });
    assert.match((await inspectK6(fakeK6('other', { version: 'jq-1.7.1' })) as { unusable: string }).unusable, /version` did not answer like k6 \(jq-1\.7\.1\)$/);
    assert.deepEqual(await inspectK6(join(dir, 'nothing-here')), { unusable: `${join(dir, 'nothing-here')} is not an executable file` });
    await assert.rejects(requireK6(join(dir, 'old', 'k6')), (e: unknown) => e instanceof SetupError && /^--k6: .* is k6 v0\.49\.0;/.test(e.message));
    assert.equal((await requireK6(join(dir, 'new', 'k6'))).version, 'v1.3.0');
  });

  it('findK6: --k6 <path> only, else the first usable k6 on PATH; with sql, one that has the postgres driver', async () => {
    const saved = process.env.PATH;
    try {
      process.env.PATH = [join(dir, 'old'), join(dir, 'empty'), join(dir, 'new'), join(dir, 'sql')].join(':');
      assert.equal((await findK6())?.path, join(dir, 'new', 'k6'), 'an old k6 earlier on PATH is passed over');
      assert.equal((await findK6({ sql: true }))?.path, join(dir, 'sql', 'k6'));
      assert.equal(await findK6({ path: join(dir, 'old', 'k6') }), null, 'an explicit path is never replaced by PATH');
      assert.equal((await findK6({ path: join(dir, 'sql', 'k6'), sql: true }))?.sql, true);
      process.env.PATH = join(dir, 'empty');
      assert.equal(await findK6(), null);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('runK6Writer hands counter-http.js its arguments and environment, nothing else, and reads the SWH records back', async () => {
    makeDir('http');
    const path = fakeK6('http', { out: ['INFO starting', record(1, true), record(2, false), record(3, true)] });
    const k6: K6Binary = { path, version: 'v1.3.0', sql: false };
    const records: WriteRecord[] = [];
    process.env.SW_SECRET_THAT_MUST_NOT_LEAK = 'hunter2';
    try {
      const stats = await runK6Writer({
        k6,
        script: { kind: 'http', baseUrl: 'https://counter.t1.omani.works/', hosts: { 'counter.t1.omani.works:443': '127.0.0.1:18443' }, caFile: '/etc/sw/ca.pem' },
        ratePerSec: 25,
        durationMs: 4_500.2,
        writerId: 'k6v',
        timeoutMs: 1_500,
        onRecord: (r) => records.push(r),
      });
      assert.deepEqual(readFileSync(join(dir, 'http', 'argv'), 'utf8').trim().split('\n'), [
        'run', '--quiet', '--no-color', '--log-output=stdout', '--log-format=raw', '--summary-mode=disabled', '--address=127.0.0.1:0',
        join(REPO_ROOT, 'fixtures', 'k6', 'counter-http.js'),
      ]);
      const env = envOf('http');
      for (const [k, v] of Object.entries({
        BASE_URL: 'https://counter.t1.omani.works/', RATE: '25', DURATION: '4501ms', WRITER_ID: 'k6v', TIMEOUT_MS: '1500',
        HOSTS: '{"counter.t1.omani.works:443":"127.0.0.1:18443"}', SSL_CERT_FILE: '/etc/sw/ca.pem',
        K6_AUTO_EXTENSION_RESOLUTION: 'false', K6_NO_USAGE_REPORT: 'true',
      })) {
        assert.equal(env.get(k), v, k);
      }
      assert.equal(env.get('SW_SECRET_THAT_MUST_NOT_LEAK'), undefined, 'k6 gets no variable it was not handed');
      assert.deepEqual(records.map((r) => [r.key, r.ackAt !== null]), [['k6v1-1', true], ['k6v1-2', false], ['k6v1-3', true]]);
      assert.equal(stats.writer, 'k6');
      assert.equal(stats.sent, 3);
      assert.equal(stats.acked, 2);
      assert.equal(stats.errors, 1);
    } finally {
      delete process.env.SW_SECRET_THAT_MUST_NOT_LEAK;
    }
  });

  it('runK6Writer hands counter-sql.js the connection string through the environment only, and refuses a k6 without the driver', async () => {
    makeDir('sqlrun');
    const path = fakeK6('sqlrun', { version: `${VERSION_1}\n${SQL_EXTENSION}`, out: [record(1, true, 'k6s1')] });
    const connectionString = 'postgres://app:s3cret@db:5432/app?sslmode=disable';
    await runK6Writer({ k6: { path, version: 'v1.3.0', sql: true }, script: { kind: 'sql', connectionString, endpoint: 'front door' }, durationMs: 1000, writerId: 'k6s', onRecord: () => {} });
    const argv = readFileSync(join(dir, 'sqlrun', 'argv'), 'utf8');
    assert.ok(argv.trim().endsWith(join('fixtures', 'k6', 'counter-sql.js')));
    assert.ok(!argv.includes('s3cret'), 'never in the argv');
    const env = envOf('sqlrun');
    assert.equal(env.get('DATABASE_URL'), connectionString);
    assert.equal(env.get('ENDPOINT'), 'front door');
    assert.equal(env.get('RATE'), '10', 'the default rate');
    await assert.rejects(
      runK6Writer({ k6: { path, version: 'v1.3.0', sql: false }, script: { kind: 'sql', connectionString, endpoint: 'x' }, durationMs: 1000, writerId: 'k6s', onRecord: () => {} }),
      /\(k6 v1\.3\.0\) has no xk6-sql postgres driver$/,
    );
  });

  it('runK6Writer: a malformed record stops the run; k6 failing before any write is an error with its redacted output', async () => {
    makeDir('bad');
    const bad = fakeK6('bad', { out: [record(1, true), 'SWH {"key":"k6v1-2"}'] });
    await assert.rejects(
      runK6Writer({ k6: { path: bad, version: 'v1.3.0', sql: false }, script: { kind: 'http', baseUrl: 'http://x' }, durationMs: 1000, writerId: 'k6v', onRecord: () => {} }),
      /^Error: malformed k6 record .*SWH \{"key":"k6v1-2"\}$/,
    );
    makeDir('fails');
    const fails = fakeK6('fails', { out: ['ERRO[0000] could not connect to postgres://app:s3cret@db/app'], code: 107 });
    await assert.rejects(
      runK6Writer({ k6: { path: fails, version: 'v1.3.0', sql: true }, script: { kind: 'sql', connectionString: 'postgres://app:s3cret@db/app', endpoint: 'db' }, durationMs: 1000, writerId: 'k6s', onRecord: () => {} }),
      (e: unknown) => e instanceof Error && e.message === 'k6 exited with code 107 before any write: ERRO[0000] could not connect to ***',
    );
  });
});

describe('CI runs the failover suite with k6', () => {
  interface Step { uses?: string; run?: string; if?: string; with?: Record<string, unknown> }
  interface Job { uses?: string; with?: Record<string, unknown>; steps?: Step[] }
  const workflow = (file: string) => parse(readFileSync(join(REPO_ROOT, '.github/workflows', file), 'utf8')) as { jobs: Record<string, Job> };

  it('walk.yml installs k6 with Grafana\'s setup-k6-action whenever the suites include failover, and hands it to the walk', () => {
    const steps = workflow('walk.yml').jobs.walk.steps ?? [];
    const setup = steps.findIndex((s) => s.uses?.startsWith('grafana/setup-k6-action@'));
    const walk = steps.findIndex((s) => s.run?.includes('npm run walk'));
    assert.ok(setup >= 0 && setup < walk, 'k6 is installed before the walk');
    assert.equal(steps[setup].if, "contains(inputs.suites, 'failover')");
    assert.match(String(steps[setup].with?.['k6-version']), /^1\.\d+\.\d+$/, 'a pinned k6 release the harness accepts');
    assert.match(steps[walk].run ?? '', /if \[\[ ",\$SUITES," == \*",failover,"\* \]\]; then args\+=\(--k6 "\$\(command -v k6\)"\); fi/);
  });

  it('the nightly chaos walks, the sign-off walks and the nightly kind walk all run failover through it', () => {
    const nightly = workflow('nightly-walk.yml').jobs;
    const signoff = workflow('release-signoff.yml').jobs;
    for (const job of [nightly.chaos, signoff['walk-1'], signoff['walk-2']]) {
      assert.equal(job.uses, './.github/workflows/walk.yml');
      assert.ok(String(job.with?.suites).split(',').includes('failover'));
    }
    const kind = nightly.kind.steps ?? [];
    const setup = kind.findIndex((s) => s.uses?.startsWith('grafana/setup-k6-action@'));
    const walk = kind.findIndex((s) => s.run?.includes('npm run walk -- --target kind'));
    assert.ok(setup >= 0 && setup < walk);
    assert.match(kind[walk].run ?? '', /--suite readiness,failover .*--k6 "\$\(command -v k6\)"/);
  });
});
