import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetupError } from '../src/target/errors.js';
import { matchRule } from '../src/target/http.js';
import { redact } from '../src/evidence/redact.js';
import { exportKindCredentials, kindPreflight, kindTarget, KIND_DB_PASSWORD_ENV } from '../src/kind/target.js';
import { startFakeEngine, type FakeEngine } from './helpers/fake-docker-engine.js';
import { WALK_CLI } from './helpers/cli.js';
import { spawnSync } from 'node:child_process';
import { fillGenerated, generatedValue } from '../src/kind/generated.js';
import { COUNTER } from '../src/kind/topology.js';

const NO_ENGINE = 'Could not find a working container runtime strategy';
/** What the stand-in engine lists; each test sets it. */
const listed: Record<string, boolean> = {};
let fake: FakeEngine;

before(async () => {
  fake = await startFakeEngine({ listed });
  process.env.DOCKER_HOST = fake.url;
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
});
after(() => fake.close());

function list(state: Record<string, boolean>): void {
  for (const k of Object.keys(listed)) delete listed[k];
  Object.assign(listed, state);
}

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
  assert.equal(t.mailbox, undefined, 'Mailpit is started by the walk that walks journeys');
  assert.deepEqual(kindTarget({ stateDir: '.state/kind', mailbox: { kind: 'mailpit', url: 'http://localhost:32771' } }).mailbox, { kind: 'mailpit', url: 'http://localhost:32771' });
  assert.deepEqual(t.nats, { url: 'nats://127.0.0.1:14222' });
  assert.equal(t.counterUrl, 'https://counter.kind.sovereign-walk.test/');
  assert.equal(t.database?.passwordEnv, KIND_DB_PASSWORD_ENV);
  assert.ok(new RegExp(t.tls.issuerMustMatch).test('CN=sovereign-walk kind CA'));
  assert.ok(new RegExp(t.tls.issuerMustNotMatch).test("(STAGING) Let's Encrypt"));
  assert.deepEqual(kindTarget({ stateDir: 's', workers: 0 }).regions[0].kill, { kind: 'container', runtime: 'docker', containers: ['sw-fsn-control-plane'], mode: 'stop' });
});

test('kindPreflight: no container engine answers → SetupError with the one-line reason, before anything else is looked at', async () => {
  const dir = stateDirWith([]);
  try {
    await assert.rejects(kindPreflight({ engine: async () => Promise.reject(new Error(`${NO_ENGINE}\n  at …`)), stateDir: dir }), (e: unknown) => {
      assert.ok(e instanceof SetupError);
      assert.equal(e.message, `no container engine answers (${NO_ENGINE}); --target kind needs a Docker engine (try --dry-run to see the plan)`);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kindPreflight: an engine, but kind:up not run → SetupError naming what is missing', async () => {
  const dir = stateDirWith(['hz-fsn-rtz-prod.kubeconfig']);
  try {
    await assert.rejects(
      kindPreflight({ stateDir: dir }),
      (e: unknown) => e instanceof SetupError && /hz-hel-rtz-prod\.kubeconfig, .*ca\.crt missing\): run `npm run kind:up` first/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kindPreflight through testcontainers\' client: a region left stopped by a kill → SetupError naming its nodes; all running → passes', async () => {
  const dir = stateDirWith(['hz-fsn-rtz-prod.kubeconfig', 'hz-hel-rtz-prod.kubeconfig', 'ca.crt']);
  try {
    list(Object.fromEntries(allNodes.map((n) => [n, !n.startsWith('sw-fsn')])));
    await assert.rejects(
      kindPreflight({ stateDir: dir }),
      (e: unknown) => e instanceof SetupError && e.message.startsWith('kind node container(s) sw-fsn-control-plane, sw-fsn-worker, sw-fsn-worker2 are not running'),
    );
    list(Object.fromEntries(allNodes.slice(0, 5).map((n) => [n, true])));
    await assert.rejects(kindPreflight({ stateDir: dir }), /sw-hel-worker2 are not running/);
    list(Object.fromEntries(allNodes.map((n) => [n, true])));
    await kindPreflight({ stateDir: dir });
    assert.ok(fake.requests.some((r) => r.path === '/info'), 'testcontainers found the engine');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('walk --target kind without a container engine exits 2 with one line, before anything starts', { skip: existsSync('/var/run/docker.sock') ? 'a Docker engine socket exists on this machine' : false }, () => {
  const reports = mkdtempSync(join(tmpdir(), 'sw-kind-noengine-'));
  try {
    const env = { ...process.env, DOCKER_HOST: 'tcp://127.0.0.1:1' };
    const r = spawnSync(process.execPath, [WALK_CLI, '--target', 'kind', '--report-dir', reports], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^walk: no container engine answers \(Could not find a working container runtime strategy\); --target kind needs a Docker engine \(try --dry-run to see the plan\)\n$/);
    assert.deepEqual(readdirSync(reports), [], 'no run folder is left');
  } finally {
    rmSync(reports, { recursive: true, force: true });
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
