/**
 * The fault ledger, applyFault, the revert steps and the janitor: intent before apply, revert
 * always recorded, and a killed run's faults reverted by the next run (and only those).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FaultLedger, LedgerError } from '../src/chaos/ledger.js';
import { applyFault } from '../src/chaos/fault.js';
import { executeRevert, type RevertDeps } from '../src/chaos/revert.js';
import { runJanitor, walkJanitor } from '../src/chaos/janitor.js';
import { FAULT_LABEL, type LedgerEntry, type RevertStep } from '../src/chaos/types.js';
import { SetupError } from '../src/target/errors.js';
import { NotServedError } from '../src/target/errors.js';
import type { KubeObject } from '../src/target/objects.js';
import { tempDir } from './helpers/temp.js';

const dir = () => tempDir('chaos-ledger-');
const SOV = 't99.omani.works';

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

/** A fake `docker` first on PATH: `docker start a b` touches <dir>/start-a and <dir>/start-b; `docker start fail` exits 3. */
function fakeDocker(dir: string): NodeJS.ProcessEnv {
  const bin = tempDir('sw-fake-docker-');
  writeFileSync(join(bin, 'docker'), `#!/bin/sh\nverb=$1; shift\nfor c in "$@"; do [ "$c" = fail ] && { echo "token=abcd1234secret" >&2; exit 3; }; touch "${dir}/$verb-$c"; done\n`);
  chmodSync(join(bin, 'docker'), 0o755);
  return { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
}

const start = (...containers: string[]): RevertStep => ({ kind: 'container-start', runtime: 'docker', mode: 'stop', containers });

function entry(over: Partial<LedgerEntry> & { revert: RevertStep[] }): LedgerEntry {
  return {
    id: `f-${Math.random().toString(16).slice(2, 10)}`,
    kind: 'egress-block',
    target: 'region-a/thing',
    runId: 'run-old',
    sovereign: SOV,
    owner: { host: hostname(), pid: process.pid },
    intentAt: new Date().toISOString(),
    state: 'intent',
    ...over,
  };
}

test('the ledger folds its JSON lines into entries and skips a line torn by a crash', () => {
  const ledger = FaultLedger.forSovereign(SOV, dir());
  assert.match(ledger.path, /ledger\/t99\.omani\.works\.jsonl$/);
  const a = entry({ revert: [] });
  const b = entry({ revert: [] });
  ledger.intent(a);
  ledger.applied(a.id, '2030-01-01T00:00:01Z');
  ledger.intent(b);
  ledger.revertFailed(b.id, 'boom');
  ledger.reverted(a.id, 'done', '2030-01-01T00:00:02Z');
  appendFileSync(ledger.path, '{"op":"reverted","id":"');
  const [ea, eb] = ledger.entries();
  assert.equal(ea.state, 'reverted');
  assert.equal(ea.appliedAt, '2030-01-01T00:00:01Z');
  assert.equal(ea.revertedAt, '2030-01-01T00:00:02Z');
  assert.equal(eb.state, 'revert-failed');
  assert.equal(eb.revertError, 'boom');
  assert.deepEqual(ledger.open().map((e) => e.id), [b.id]);
});

test('applyFault records the intent before applying, marks applied and reverted; a failed apply is reverted and re-thrown', async () => {
  const ledger = FaultLedger.forSovereign(SOV, dir());
  let seenDuringApply: string | undefined;
  let reverts = 0;
  const f = await applyFault(ledger, { kind: 'test', target: 'x', runId: 'r1', revert: [] }, async (id) => {
    seenDuringApply = ledger.entries().find((e) => e.id === id)?.state;
    return 42;
  }, async () => {
    reverts++;
  });
  assert.equal(seenDuringApply, 'intent');
  assert.equal(f.value, 42);
  assert.equal(ledger.entries()[0].state, 'applied');
  const rec = await f.revert();
  await f.revert();
  assert.equal(reverts, 1, 'revert runs once');
  assert.ok(rec.revertedAt);
  assert.equal(ledger.entries()[0].state, 'reverted');

  await assert.rejects(applyFault(ledger, { kind: 'test', target: 'y', runId: 'r1', revert: [] }, async () => {
    throw new Error('apply broke half-way');
  }, async () => {
    reverts++;
  }), /apply broke half-way/);
  assert.equal(reverts, 2, 'a half-applied fault is reverted');
  assert.equal(ledger.entries()[1].state, 'reverted');

  let fail = true;
  const g = await applyFault(ledger, { kind: 'test', target: 'z', runId: 'r1', revert: [] }, async () => 1, async () => {
    if (fail) throw new Error('API down');
  });
  await assert.rejects(g.revert(), /API down/);
  assert.equal(ledger.entries()[2].state, 'revert-failed');
  fail = false;
  await g.revert();
  assert.equal(ledger.entries()[2].state, 'reverted', 'a failed revert can be retried');
});

test('the janitor reverts what a dead holder left, an expired fault and a finished run; it leaves a live holder alone', async () => {
  const d = dir();
  const env = fakeDocker(d);
  const ledger = FaultLedger.forSovereign(SOV, d);
  const marker = (n: string) => join(d, `start-${n}`);
  const orphan = entry({ owner: { host: hostname(), pid: deadPid() }, revert: [start('orphan')] });
  const walkGone = entry({ owner: { host: hostname(), pid: process.pid, walkPid: deadPid() }, revert: [start('walk-gone')] });
  const held = entry({ revert: [start('held')] });
  const expired = entry({ expiresAt: '2020-01-01T00:00:00Z', revert: [start('expired')] });
  const finished = entry({ runId: 'run-now', revert: [start('finished')] });
  const broken = entry({ owner: { host: hostname(), pid: deadPid() }, revert: [start('fail')] });
  for (const e of [orphan, walkGone, held, expired, finished, broken]) ledger.intent(e);

  const r = await runJanitor({ regions: [], env }, ledger, { finishedRunId: 'run-now' });
  assert.deepEqual(r.reverted.map((x) => x.id).sort(), [orphan.id, walkGone.id, expired.id, finished.id].sort());
  assert.deepEqual(r.active.map((x) => x.id), [held.id]);
  assert.deepEqual(r.failed.map((x) => x.id), [broken.id]);
  assert.match(r.failed[0].detail ?? '', /^revert failed: docker start fail: failed \(exit 3/);
  assert.match(r.reverted.find((x) => x.id === orphan.id)!.detail ?? '', /holder pid \d+ gone; docker start orphan/);
  for (const n of ['orphan', 'walk-gone', 'expired', 'finished']) assert.ok(existsSync(marker(n)), n);
  assert.ok(!existsSync(marker('held')));
  assert.deepEqual(ledger.open().map((e) => e.id).sort(), [held.id, broken.id].sort());
  const again = await runJanitor({ regions: [], env }, ledger);
  assert.deepEqual(again.reverted, [], 'reverted faults are not reverted twice');
  assert.deepEqual(again.failed.map((x) => x.id), [broken.id], 'a failed revert is retried');
});

test('a ledger with a forged command, an unknown record or a tampered field is refused whole: nothing in it runs', async () => {
  const d = dir();
  const env = fakeDocker(d);
  const forgeries: [string, unknown][] = [
    ['a command line', { kind: 'command', argv: ['touch', join(d, 'pwned')] }],
    ['an option smuggled as a container', { kind: 'container-start', runtime: 'docker', mode: 'stop', containers: ['--help'] }],
    ['another runtime', { kind: 'container-start', runtime: 'sh', mode: 'stop', containers: ['x'] }],
    ['a free-form selector', { kind: 'delete-fault-objects', region: 'r1', resource: 'namespaces', labelSelector: 'kubernetes.io/metadata.name' }],
    ['a patch', { kind: 'cnpg-instances', region: 'r1', namespace: 'a', cluster: 'b', instances: 1, patch: { spec: { x: 1 } } }],
  ];
  for (const [what, step] of forgeries) {
    const ledger = FaultLedger.forSovereign(SOV, mkdtempSync(join(d, 'l-')));
    const honest = entry({ owner: { host: hostname(), pid: deadPid() }, revert: [start('honest')] });
    ledger.intent(honest);
    appendFileSync(ledger.path, `${JSON.stringify({ op: 'intent', at: new Date().toISOString(), entry: { ...entry({ owner: { host: hostname(), pid: deadPid() }, revert: [] }), revert: [step] } })}\n`);
    assert.throws(() => ledger.open(), (e: Error) => e instanceof LedgerError && /line 2 is not a record the harness writes.*refused/.test(e.message), what);
    await assert.rejects(runJanitor({ regions: [], env }, ledger), LedgerError, what);
  }
  assert.ok(!existsSync(join(d, 'pwned')), 'the forged command never ran');
  assert.ok(!existsSync(join(d, 'start-honest')), 'nothing in a refused ledger runs, not even its honest records');

  const other = FaultLedger.forSovereign(SOV, mkdtempSync(join(d, 'l-')));
  other.intent({ ...entry({ revert: [] }), sovereign: 't1.omani.works' });
  assert.throws(() => other.open(), /records a fault of t1\.omani\.works, not t99\.omani\.works/);
  const garbled = FaultLedger.forSovereign(SOV, mkdtempSync(join(d, 'l-')));
  garbled.intent(entry({ revert: [] }));
  appendFileSync(garbled.path, 'rm -rf /\n');
  garbled.intent(entry({ revert: [] }));
  assert.throws(() => garbled.open(), /line 2 is not JSON/);
});

test('walkJanitor stops the walk (SetupError) while another live run holds a fault, or when a revert fails', async () => {
  const d = dir();
  process.env.SW_STATE_DIR = d;
  try {
    const ledger = FaultLedger.forSovereign(SOV, d);
    const ctx = { runId: 'new-run', target: { kind: 'live' as const, name: 't99', sovereign: SOV, regions: [], poolDomain: 'omani.homes', resolve: [], tls: { issuerMustMatch: '', issuerMustNotMatch: '' } } };
    assert.deepEqual(await walkJanitor(ctx, { strict: true }), []);
    const held = entry({ revert: [] });
    ledger.intent(held);
    await assert.rejects(walkJanitor(ctx, { strict: true }), (e: unknown) => e instanceof SetupError && /is still held by run run-old/.test(e.message));
    ledger.reverted(held.id);
    ledger.intent(entry({ owner: { host: hostname(), pid: deadPid() }, revert: [{ kind: 'delete-fault-objects', region: 'gone-region', resource: 'pods', namespace: 'x' }] }));
    await assert.rejects(walkJanitor(ctx, { strict: true }), (e: unknown) => e instanceof SetupError && /could not revert egress-block .*region gone-region is not part of this target/.test(e.message));
    const loose = await walkJanitor(ctx, { strict: false });
    assert.equal(loose.length, 1);
    assert.match(loose[0].detail ?? '', /^revert failed/);
    appendFileSync(ledger.path, `${JSON.stringify({ op: 'intent', at: '', entry: { ...entry({ revert: [] }), revert: [{ kind: 'command', argv: ['true'] }] } })}\n`);
    await assert.rejects(walkJanitor(ctx, { strict: true }), (e: unknown) => e instanceof SetupError && /is not a record the harness writes.*refused/.test(e.message));
    const refused = await walkJanitor(ctx, { strict: false });
    assert.match(refused[0].detail ?? '', /^revert failed: fault ledger .* refused/);
  } finally {
    delete process.env.SW_STATE_DIR;
  }
});

/** A region API in memory for revert records: list by the fault label, delete, merge-patch. */
function fakeRegion(name: string, objects: Map<string, KubeObject[]>): RevertDeps['regions'][number] & { patches: string[] } {
  const patches: string[] = [];
  return {
    name,
    patches,
    list: async (resource: string, opts: { namespace?: string; labelSelector?: string } = {}) => {
      if (!objects.has(resource)) throw new NotServedError(`${resource} is not served`);
      const [k, v] = (opts.labelSelector ?? '').split('=');
      const items = objects.get(resource)!.filter((o) => (!opts.namespace || o.metadata.namespace === opts.namespace) && o.metadata.labels?.[k] === v);
      return { items, resourceVersion: '1', resolved: undefined as never };
    },
    delete: async (resource: string, namespace: string | undefined, n: string) => {
      const list = objects.get(resource)!;
      const i = list.findIndex((o) => o.metadata.name === n && o.metadata.namespace === namespace);
      if (i >= 0) list.splice(i, 1);
      return i >= 0;
    },
    mergePatch: async (resource: string, namespace: string | undefined, n: string, patch: Record<string, unknown>) => {
      patches.push(`${resource} ${namespace}/${n} ${JSON.stringify(patch)}`);
      return { metadata: { name: n } };
    },
  };
}

test('delete-fault-objects deletes only objects labelled with this fault id, by the harness-built selector; a type no longer served is fine', async () => {
  const np = (ns: string, n: string, fault: string): KubeObject => ({ metadata: { name: n, namespace: ns, labels: { [FAULT_LABEL]: fault } } });
  const objects = new Map<string, KubeObject[]>([['networkpolicies.networking.k8s.io', [np('a', 'p', 'f-1'), np('b', 'p', 'f-1'), np('a', 'keep', 'f-2')]]]);
  const region = fakeRegion('r1', objects);
  const done = await executeRevert({ regions: [region] }, 'f-1', [
    { kind: 'delete-fault-objects', region: 'r1', resource: 'networkpolicies.networking.k8s.io' },
    { kind: 'delete-fault-objects', region: 'r1', resource: 'ciliumclusterwidenetworkpolicies.cilium.io' },
    { kind: 'cnpg-instances', region: 'r1', namespace: 'db', cluster: 'pg', instances: 3 },
  ]);
  assert.match(done[0], /2 deleted$/);
  assert.match(done[1], /not served/);
  assert.deepEqual(objects.get('networkpolicies.networking.k8s.io')!.map((o) => `${o.metadata.namespace}/${o.metadata.name}`), ['a/keep']);
  assert.deepEqual(region.patches, ['clusters.postgresql.cnpg.io db/pg {"spec":{"instances":3}}']);
});

test('hcloud-power-on powers on exactly the recorded servers that are off', async () => {
  const calls: string[] = [];
  const status: Record<number, string> = { 1: 'off', 2: 'running', 3: 'off' };
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url} ${req.headers.authorization}`);
    res.setHeader('Content-Type', 'application/json');
    const id = Number(/\/servers\/(\d+)/.exec(req.url ?? '')?.[1]);
    if (req.method === 'GET' && req.url?.startsWith('/v1/servers/')) res.end(JSON.stringify({ server: { id, name: `s-${id}`, status: status[id] } }));
    else res.end(JSON.stringify({ action: { id: 9, status: 'success' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
    const step: RevertStep = { kind: 'hcloud-power-on', servers: [{ id: 1, name: 's-1' }, { id: 2, name: 's-2' }] };
    const [done] = await executeRevert({ regions: [], env: { HCLOUD_TOKEN: 'hc-secret-token', HCLOUD_ENDPOINT: endpoint } }, 'region-kill-1', [step]);
    assert.match(done, /: s-1 \(1\)$/);
    assert.deepEqual(calls.filter((c) => c.startsWith('POST')), ['POST /v1/servers/1/actions/poweron Bearer hc-secret-token'], 'server 3 was never recorded, server 2 runs');
    await assert.rejects(executeRevert({ regions: [], env: {} }, 'region-kill-1', [step]), /HCLOUD_TOKEN is not set/);
  } finally {
    server.close();
  }
});

test('a revert error names every failed step and never leaks a secret', async () => {
  const env = fakeDocker(dir());
  await assert.rejects(
    executeRevert({ regions: [], env }, 'f-1', [start('fail'), { kind: 'cnpg-instances', region: 'nowhere', namespace: 'a', cluster: 'b', instances: 1 }]),
    (e: Error) => /exit 3: token=\[REDACTED\]/.test(e.message) && /region nowhere is not part of this target/.test(e.message) && !e.message.includes('abcd1234secret'),
  );
});
