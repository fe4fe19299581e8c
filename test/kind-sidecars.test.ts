/**
 * The kind walk's side services through testcontainers, against a stand-in Docker Engine API:
 * what testcontainers asks the engine for (golden), the HTTP wait strategy, and removal on stop
 * and on a container that never gets ready. Ryuk needs a real engine, so it is off here only.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';
import { mailpitService, startMailpit } from '../src/sidecars/mailpit.js';
import { kindSideServices, startKindSideServices } from '../src/kind/side-services.js';
import { SetupError } from '../src/target/errors.js';
import { startFakeEngine, type FakeEngine } from './helpers/fake-docker-engine.js';

const GOLDEN = new URL('./golden/kind/sidecars.txt', import.meta.url).pathname;

let engine: FakeEngine;
let mailpitApi: Server;
let readyz = 200;

before(async () => {
  mailpitApi = createServer((req, res) => {
    res.statusCode = req.url === '/readyz' ? readyz : 404;
    res.end();
  });
  await new Promise<void>((resolve) => mailpitApi.listen(0, '127.0.0.1', resolve));
  engine = await startFakeEngine({ publish: { 8025: (mailpitApi.address() as AddressInfo).port } });
  // Read once, when testcontainers first looks for an engine.
  process.env.DOCKER_HOST = engine.url;
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
});

after(async () => {
  await engine.close();
  mailpitApi.close();
});

/** What testcontainers sent the engine, without the ids and labels that change per run. */
function engineCalls(): string {
  return stringify(
    engine.requests
      .filter((r) => r.method !== 'GET')
      .map((r) => {
        const path = r.path.startsWith('/containers/create') ? '/containers/create' : r.path;
        if (!r.body) return `${r.method} ${path}`;
        const labels = Object.fromEntries(Object.entries((r.body.Labels ?? {}) as Record<string, string>).filter(([k]) => !k.startsWith('org.testcontainers')));
        return { [`${r.method} ${path}`]: { ...r.body, ...(r.body.Labels ? { Labels: labels } : {}) } };
      }),
    { lineWidth: 0 },
  ).replace(/[0-9a-f]{64}/g, '<id>');
}

test('the kind Mailpit: on the kind network as sw-kind-mailpit, its API published, ready once /readyz answers 200, removed on stop (golden engine calls)', async () => {
  readyz = 200;
  const side = await startKindSideServices(['readiness', 'journeys']);
  try {
    const port = (mailpitApi.address() as AddressInfo).port;
    assert.deepEqual(side.mailbox, { kind: 'mailpit', url: `http://127.0.0.1:${port}` });
    assert.equal(engine.containers.size, 1);
  } finally {
    await side.stop();
  }
  assert.equal(engine.containers.size, 0, 'the container is removed');
  const text = `# what testcontainers asks the engine for to run ${kindSideServices()[0].name} beside a kind walk\n${engineCalls()}`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, text);
  assert.ok(existsSync(GOLDEN), 'sidecars.txt has no golden file: regenerate with UPDATE_GOLDEN=1 after checking the output');
  assert.equal(text, readFileSync(GOLDEN, 'utf8'), 'sidecars.txt differs from the golden file (regenerate with UPDATE_GOLDEN=1 after checking the diff)');
});

test('a kind walk without journeys starts no side service', async () => {
  const before = engine.requests.length;
  const side = await startKindSideServices(['readiness', 'failover']);
  assert.equal(side.mailbox, undefined);
  await side.stop();
  assert.equal(engine.requests.length, before, 'the engine is not asked for anything');
});

test('a Mailpit that never gets ready: the wait strategy gives up, testcontainers removes it, the error names the image', async () => {
  readyz = 503;
  const service = { ...mailpitService(), startupTimeoutMs: 1_000 };
  await assert.rejects(startMailpit(service), /^Error: Mailpit \(axllent\/mailpit:v[\d.]+\) did not start: URL \/readyz not accessible after 1000ms$/);
  assert.equal(engine.containers.size, 0, 'nothing is left behind');
  const calls = engine.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{64}/g, '<id>').replace(/\?.*$/, '')}`);
  assert.deepEqual(calls.slice(-2), ['POST /containers/<id>/stop', 'DELETE /containers/<id>']);
});

test('the kind walk reports a side service the engine refuses as a set-up error (exit 2), naming why', async () => {
  engine.refuseCreate = 'pull access denied for axllent/mailpit';
  try {
    await assert.rejects(startKindSideServices(['journeys']), (e: unknown) => {
      assert.ok(e instanceof SetupError);
      assert.match(e.message, /^the kind walk's side services did not start: Mailpit \(axllent\/mailpit:v[\d.]+\) did not start: .*pull access denied for axllent\/mailpit/);
      return true;
    });
  } finally {
    delete engine.refuseCreate;
  }
});
