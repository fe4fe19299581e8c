/**
 * The fault ledger, applyFault, the revert steps and the janitor: intent before apply, revert
 * always recorded, and a killed run's faults reverted by the next run (and only those).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultLedger } from '../src/chaos/ledger.js';
import { applyFault } from '../src/chaos/fault.js';
import { executeRevert } from '../src/chaos/revert.js';
import { runJanitor, walkJanitor } from '../src/chaos/janitor.js';
import type { LedgerEntry, RevertStep } from '../src/chaos/types.js';
import { SetupError } from '../src/target/errors.js';
import { RegionClient } from '../src/target/kube.js';
import { NAMESPACE_TYPE, ObjectStore, createSimPki, startKubeApiServer, writeKubeconfig } from '../sim/kube/index.js';
import { NETWORKPOLICY } from '../sim/resources.js';
import { ensureNamespace } from '../sim/runtime/objects.js';

const dir = () => mkdtempSync(join(tmpdir(), 'chaos-ledger-'));
const SOV = 't99.omani.works';

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

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
  const ledger = FaultLedger.forSovereign(SOV, d);
  const marker = (n: string) => join(d, n);
  const orphan = entry({ owner: { host: hostname(), pid: deadPid() }, revert: [{ kind: 'command', argv: ['touch', marker('orphan')] }] });
  const walkGone = entry({ owner: { host: hostname(), pid: process.pid, walkPid: deadPid() }, revert: [{ kind: 'command', argv: ['touch', marker('walk-gone')] }] });
  const held = entry({ revert: [{ kind: 'command', argv: ['touch', marker('held')] }] });
  const expired = entry({ expiresAt: '2020-01-01T00:00:00Z', revert: [{ kind: 'command', argv: ['touch', marker('expired')] }] });
  const finished = entry({ runId: 'run-now', revert: [{ kind: 'command', argv: ['touch', marker('finished')] }] });
  const broken = entry({ owner: { host: hostname(), pid: deadPid() }, revert: [{ kind: 'command', argv: ['false'] }] });
  for (const e of [orphan, walkGone, held, expired, finished, broken]) ledger.intent(e);

  const r = await runJanitor({ regions: [] }, ledger, { finishedRunId: 'run-now' });
  assert.deepEqual(r.reverted.map((x) => x.id).sort(), [orphan.id, walkGone.id, expired.id, finished.id].sort());
  assert.deepEqual(r.active.map((x) => x.id), [held.id]);
  assert.deepEqual(r.failed.map((x) => x.id), [broken.id]);
  assert.match(r.failed[0].detail ?? '', /^revert failed: run false: failed \(exit 1\)/);
  assert.match(r.reverted.find((x) => x.id === orphan.id)!.detail ?? '', /holder pid \d+ gone; run touch/);
  for (const n of ['orphan', 'walk-gone', 'expired', 'finished']) assert.ok(existsSync(marker(n)), n);
  assert.ok(!existsSync(marker('held')));
  assert.deepEqual(ledger.open().map((e) => e.id).sort(), [held.id, broken.id].sort());
  const again = await runJanitor({ regions: [] }, ledger);
  assert.deepEqual(again.reverted, [], 'reverted faults are not reverted twice');
  assert.deepEqual(again.failed.map((x) => x.id), [broken.id], 'a failed revert is retried');
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
    ledger.intent(entry({ owner: { host: hostname(), pid: deadPid() }, revert: [{ kind: 'k8s-delete', region: 'gone-region', resource: 'configmaps', namespace: 'x', name: 'y' }] }));
    await assert.rejects(walkJanitor(ctx, { strict: true }), (e: unknown) => e instanceof SetupError && /could not revert egress-block .*region gone-region is not part of this target/.test(e.message));
    const loose = await walkJanitor(ctx, { strict: false });
    assert.equal(loose.length, 1);
    assert.match(loose[0].detail ?? '', /^revert failed/);
  } finally {
    delete process.env.SW_STATE_DIR;
  }
});

test('k8s revert steps: delete by name, by label selector across namespaces; a missing object is fine', async () => {
  const d = dir();
  const store = new ObjectStore();
  store.registerType(NAMESPACE_TYPE);
  store.registerType(NETWORKPOLICY);
  const ccnp = { group: 'cilium.io', version: 'v2', kind: 'CiliumClusterwideNetworkPolicy', plural: 'ciliumclusterwidenetworkpolicies', singular: 'ciliumclusterwidenetworkpolicy', namespaced: false, hasStatus: false };
  store.registerType(ccnp);
  for (const ns of ['a', 'b']) ensureNamespace(store, ns, 'test');
  const pki = await createSimPki(join(d, 'pki'), ['127.0.0.1']);
  const api = await startKubeApiServer({ store, token: 'tok-12345', tls: { cert: pki.certPem, key: pki.keyPem } });
  try {
    const kubeconfigPath = join(d, 'kc');
    await writeKubeconfig(kubeconfigPath, { clusterName: 'r1', server: api.url, caPem: pki.caPem, token: 'tok-12345' });
    const region = new RegionClient({ name: 'r1', role: 'primary', kubeconfigPath });
    store.create({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'p' } } as never);
    for (const ns of ['a', 'b']) store.create({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: ns, labels: { f: '1' } }, spec: {} } as never);
    store.create({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'keep', namespace: 'a', labels: { f: '2' } }, spec: {} } as never);
    const done = await executeRevert({ regions: [region] }, [
      { kind: 'k8s-delete', region: 'r1', resource: 'ciliumclusterwidenetworkpolicies.cilium.io', name: 'p' },
      { kind: 'k8s-delete', region: 'r1', resource: 'networkpolicies.networking.k8s.io', labelSelector: 'f=1' },
      { kind: 'k8s-delete', region: 'r1', resource: 'ciliumclusterwidenetworkpolicies.cilium.io', name: 'p' },
      { kind: 'k8s-delete', region: 'r1', resource: 'widgets.example.com', labelSelector: 'f=1' },
    ]);
    assert.match(done[1], /2 deleted$/);
    assert.match(done[2], /already gone/);
    assert.match(done[3], /not served/);
    assert.equal(store.list('cilium.io/v2', 'CiliumClusterwideNetworkPolicy').length, 0);
    assert.deepEqual(store.list('networking.k8s.io/v1', 'NetworkPolicy').map((o) => `${o.metadata.namespace}/${o.metadata.name}`), ['a/keep']);
  } finally {
    await api.close();
  }
});

test('process-signal and hcloud revert steps', async () => {
  const child = spawn('sleep', ['30']);
  try {
    process.kill(child.pid!, 'SIGSTOP');
    const state = () => readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(' ')[2];
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(state(), 'T');
    await executeRevert({ regions: [] }, [{ kind: 'process-signal', pids: [child.pid!, deadPid()], signal: 'SIGCONT' }]);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(state(), 'S');
  } finally {
    child.kill('SIGKILL');
  }

  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url} ${req.headers.authorization}`);
    res.setHeader('Content-Type', 'application/json');
    if (req.method === 'GET') res.end(JSON.stringify({ servers: [{ id: 1, name: 'cp-1', status: 'off' }, { id: 2, name: 'w-1', status: 'running' }] }));
    else res.end(JSON.stringify({ action: { id: 9 } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
    const step: RevertStep = { kind: 'hcloud-power-on', labelSelector: 'region=hz-fsn-rtz-prod' };
    const [done] = await executeRevert({ regions: [], env: { HCLOUD_TOKEN: 'hc-secret-token', HCLOUD_ENDPOINT: endpoint } }, [step]);
    assert.match(done, /: cp-1$/);
    assert.deepEqual(calls, ['GET /v1/servers?label_selector=region%3Dhz-fsn-rtz-prod&per_page=50 Bearer hc-secret-token', 'POST /v1/servers/1/actions/poweron Bearer hc-secret-token']);
    await assert.rejects(executeRevert({ regions: [], env: {} }, [step]), /HCLOUD_TOKEN is not set/);
  } finally {
    server.close();
  }
});

test('a revert error names every failed step and never leaks a secret', async () => {
  writeFileSync(join(dir(), 'x'), '');
  await assert.rejects(
    executeRevert({ regions: [] }, [
      { kind: 'command', argv: ['sh', '-c', 'echo "token=abcd1234secret" >&2; exit 3'] },
      { kind: 'k8s-merge-patch', region: 'nowhere', resource: 'configmaps', namespace: 'a', name: 'b', patch: {} },
    ]),
    (e: Error) => /exit 3: token=\[REDACTED\]/.test(e.message) && /region nowhere is not part of this target/.test(e.message) && !e.message.includes('abcd1234secret'),
  );
});
