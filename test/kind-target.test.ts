import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetupError } from '../src/target/errors.js';
import { matchRule } from '../src/target/http.js';
import { redact } from '../src/evidence/redact.js';
import { exportKindCredentials, kindPreflight, kindTarget, KIND_DB_PASSWORD_ENV } from '../src/kind/target.js';
import { zxRunner, type CommandRunner, type RunResult } from '../src/kind/runner.js';
import { fillGenerated, generatedValue } from '../src/kind/generated.js';
import { COUNTER } from '../src/kind/topology.js';

const NO_DAEMON = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

/** Answers `docker info` and `docker inspect` like an engine would; records every call. */
function fakeDocker(opts: { info: RunResult; running?: Record<string, boolean> }): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(argv) {
      calls.push(argv);
      if (argv[1] === 'info') return opts.info;
      if (argv[1] === 'inspect') {
        const names = argv.slice(4);
        const known = names.filter((n) => opts.running?.[n] !== undefined);
        const stdout = known.map((n) => `/${n} ${String(opts.running?.[n])}`).join('\n');
        return { exitCode: known.length === names.length ? 0 : 1, stdout, stderr: names.filter((n) => !known.includes(n)).map((n) => `Error: No such object: ${n}`).join('\n') };
      }
      throw new Error(`unexpected command ${argv.join(' ')}`);
    },
  };
}

const up = { exitCode: 0, stdout: '27.3.1\n', stderr: '' };
const allNodes = ['sw-fsn-control-plane', 'sw-fsn-worker', 'sw-fsn-worker2', 'sw-hel-control-plane', 'sw-hel-worker', 'sw-hel-worker2'];

function stateDirWith(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sw-kind-state-'));
  for (const f of files) writeFileSync(join(dir, f), 'x');
  return dir;
}

test('kindTarget describes the two kind regions, their node containers and the front door', () => {
  const t = kindTarget({ stateDir: '.state/kind' });
  assert.equal(t.kind, 'kind');
  assert.equal(t.name, 'kind');
  assert.equal(t.sovereign, 'kind.sovereign-walk.test');
  assert.deepEqual(
    t.regions.map((r) => [r.name, r.role, r.kubeconfigPath]),
    [
      ['hz-fsn-rtz-prod', 'primary', '.state/kind/hz-fsn-rtz-prod.kubeconfig'],
      ['hz-hel-rtz-prod', 'secondary', '.state/kind/hz-hel-rtz-prod.kubeconfig'],
    ],
  );
  assert.deepEqual(t.regions[0].kill, { kind: 'container', runtime: 'docker', containers: allNodes.slice(0, 3), mode: 'stop' });
  assert.deepEqual(t.regions[1].kill, { kind: 'container', runtime: 'docker', containers: allNodes.slice(3), mode: 'stop' });
  assert.deepEqual(matchRule(t.resolve, 'counter.kind.sovereign-walk.test', 443), { host: '*.kind.sovereign-walk.test', port: 443, address: '127.0.0.1', targetPort: 18443 });
  assert.deepEqual(matchRule(t.resolve, 'kind.sovereign-walk.test', 80), { host: 'kind.sovereign-walk.test', port: 80, address: '127.0.0.1', targetPort: 18080 });
  assert.equal(matchRule(t.resolve, 't38.omani.works', 443), undefined);
  assert.equal(t.caFile, '.state/kind/ca.crt');
  assert.deepEqual(t.mailbox, { kind: 'mailpit', url: 'http://127.0.0.1:18025' });
  assert.deepEqual(t.nats, { url: 'nats://127.0.0.1:14222' });
  assert.equal(t.counterUrl, 'https://counter.kind.sovereign-walk.test/');
  assert.equal(t.database?.passwordEnv, KIND_DB_PASSWORD_ENV);
  assert.ok(new RegExp(t.tls.issuerMustMatch).test('CN=sovereign-walk kind CA'));
  assert.ok(new RegExp(t.tls.issuerMustNotMatch).test("(STAGING) Let's Encrypt"));
  assert.deepEqual(kindTarget({ stateDir: 's', workers: 0 }).regions[0].kill, { kind: 'container', runtime: 'docker', containers: ['sw-fsn-control-plane'], mode: 'stop' });
});

test('kindPreflight: no Docker engine → SetupError with the one-line reason', async () => {
  const runner = fakeDocker({ info: { exitCode: 1, stdout: '\n', stderr: `${NO_DAEMON}\n` } });
  await assert.rejects(kindPreflight({ runner }), (e: unknown) => {
    assert.ok(e instanceof SetupError);
    assert.equal(e.message, `Docker is unavailable: ${NO_DAEMON}; --target kind needs a Docker engine (try --dry-run to see the plan)`);
    return true;
  });
  const missingClient = fakeDocker({ info: { exitCode: 127, stdout: '', stderr: 'bash: line 1: docker: command not found\n' } });
  await assert.rejects(kindPreflight({ runner: missingClient }), /^SetupError: Docker is unavailable: the docker client is not installed;/);
});

test('kindPreflight: Docker up but kind:up not run → SetupError naming what is missing', async () => {
  const dir = stateDirWith(['hz-fsn-rtz-prod.kubeconfig']);
  try {
    await assert.rejects(
      kindPreflight({ runner: fakeDocker({ info: up }), stateDir: dir }),
      (e: unknown) => e instanceof SetupError && /hz-hel-rtz-prod\.kubeconfig, .*ca\.crt missing\): run `npm run kind:up` first/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kindPreflight: a region left stopped by a kill → SetupError naming its nodes; all running → passes', async () => {
  const dir = stateDirWith(['hz-fsn-rtz-prod.kubeconfig', 'hz-hel-rtz-prod.kubeconfig', 'ca.crt']);
  try {
    const running = Object.fromEntries(allNodes.map((n) => [n, !n.startsWith('sw-fsn')]));
    await assert.rejects(
      kindPreflight({ runner: fakeDocker({ info: up, running }), stateDir: dir }),
      (e: unknown) => e instanceof SetupError && e.message.startsWith('kind node container(s) sw-fsn-control-plane, sw-fsn-worker, sw-fsn-worker2 are not running'),
    );
    const missing = fakeDocker({ info: up, running: Object.fromEntries(allNodes.slice(0, 5).map((n) => [n, true])) });
    await assert.rejects(kindPreflight({ runner: missing, stateDir: dir }), /sw-hel-worker2 are not running/);
    const healthy = fakeDocker({ info: up, running: Object.fromEntries(allNodes.map((n) => [n, true])) });
    await kindPreflight({ runner: healthy, stateDir: dir });
    assert.deepEqual(healthy.calls.map((c) => c.slice(0, 2)), [['docker', 'info'], ['docker', 'inspect']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kindPreflight through zx runs the docker on PATH (fake engine down, then up)', async () => {
  const bin = mkdtempSync(join(tmpdir(), 'sw-fake-docker-'));
  const savedPath = process.env.PATH;
  try {
    const script = (body: string) => {
      writeFileSync(join(bin, 'docker'), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, 'docker'), 0o755);
    };
    process.env.PATH = `${bin}:${savedPath ?? ''}`;
    script(`echo '${NO_DAEMON}' >&2; exit 1`);
    await assert.rejects(kindPreflight({ runner: zxRunner }), (e: unknown) => e instanceof SetupError && e.message.includes(NO_DAEMON));
    script('[ "$1" = info ] && echo 27.3.1');
    await kindPreflight({ runner: zxRunner });
  } finally {
    process.env.PATH = savedPath;
    rmSync(bin, { recursive: true, force: true });
  }
});

test('exportKindCredentials exports the password kind:up generated, masked from then on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-kind-cred-'));
  try {
    const env: NodeJS.ProcessEnv = {};
    assert.equal(exportKindCredentials(dir, env), false, 'nothing generated yet');
    assert.equal(env[KIND_DB_PASSWORD_ENV], undefined);
    const filled = fillGenerated({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'y' }, stringData: { password: generatedValue(COUNTER.passwordId) } }, dir);
    const password = (filled.stringData as Record<string, string>).password;
    assert.equal(exportKindCredentials(dir, env), true);
    assert.equal(env[KIND_DB_PASSWORD_ENV], password);
    assert.equal(redact(`connecting with ${password}`), 'connecting with [REDACTED]');
    const preset: NodeJS.ProcessEnv = { [KIND_DB_PASSWORD_ENV]: 'operator-chosen-value' };
    exportKindCredentials(dir, preset);
    assert.equal(preset[KIND_DB_PASSWORD_ENV], 'operator-chosen-value', 'an explicit value wins');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
