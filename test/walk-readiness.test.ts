import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { walk, byStatus, runDirOf, readText } from './helpers/walk.js';
import { loadKit } from '../src/kit/load.js';
import { buildCatalog, dependentsOf } from '../probes/catalog.js';

const catalog = buildCatalog(loadKit('fixtures/bootstrap-kit-48.json'));
const id = (name: string) => catalog.find((p) => p.slot.name === name)!.id;

test('healthy sim: readiness exits 0 with 48 passed gates and every report', async () => {
  const r = await walk(['--suite', 'readiness', '--json']);
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const s = r.summary!;
  assert.equal(s.verdict, 'pass');
  assert.equal(byStatus(s, 'passed').length, 48);
  assert.equal(s.gates.length, 48);
  const dir = runDirOf(s, r.reportDir);
  for (const f of ['summary.json', 'summary.md', 'junit.xml', 'index.html', 'allure-results']) assert.ok(existsSync(join(dir, f)), f);
  assert.match(readText(join(dir, 'summary.md')).trim().split('\n').at(-1)!, /^✅ TRUE READY — all 48 checks pass\.$/);
  // Readiness follows the DAG: no slot passed before a dependency did.
  const at = new Map(s.gates.map((g) => [g.id, Date.parse(g.finishedAt)]));
  for (const g of s.gates) for (const d of g.dependsOn ?? []) assert.ok(at.get(d)! <= Date.parse(g.startedAt), `${d} before ${g.id}`);
  // Every gate carries the HelmRelease it judged.
  assert.ok(s.gates.every((g) => g.evidence.some((e) => e.name.includes('helmrelease'))));
});

test('hr-stuck:bp-seaweedfs fails it and blocks exactly its 6 transitive dependents', async () => {
  const r = await walk(['--suite', 'readiness', '--json', '--sim-fault', 'hr-stuck:bp-seaweedfs']);
  assert.equal(r.code, 1, r.stderr.slice(-2000));
  const s = r.summary!;
  assert.deepEqual(byStatus(s, 'failed'), [id('bp-seaweedfs')]);
  assert.deepEqual(byStatus(s, 'blocked'), [...dependentsOf(catalog, id('bp-seaweedfs'))].sort());
  for (const g of s.gates.filter((x) => x.status === 'blocked')) assert.equal(g.rootCause, id('bp-seaweedfs'));
  assert.match(s.gates.find((g) => g.id === id('bp-seaweedfs'))!.reason, /InstallFailed/);
});

test('each fault kind fails its slot and blocks exactly its dependents', async () => {
  // Faults on disjoint subtrees of the DAG, judged in one walk.
  const faults: Record<string, string> = {
    'bp-gitea': 'surface-down',
    'bp-kyverno': 'suspended',
    'bp-knative': 'hr-flap',
    'bp-grafana': 'stale-generation',
    'bp-valkey': 'surface-down',
  };
  const args = Object.entries(faults).flatMap(([n, k]) => ['--sim-fault', `${k}:${n}`]);
  const r = await walk(['--suite', 'readiness', '--json', '--slot-deadline', '4s', ...args]);
  assert.equal(r.code, 1, r.stderr.slice(-2000));
  const s = r.summary!;
  assert.deepEqual(byStatus(s, 'failed'), Object.keys(faults).map(id).sort());
  const expectBlocked = new Map<string, string>();
  for (const n of Object.keys(faults)) for (const d of dependentsOf(catalog, id(n))) expectBlocked.set(d, id(n));
  assert.deepEqual(byStatus(s, 'blocked'), [...expectBlocked.keys()].sort());
  for (const g of s.gates.filter((x) => x.status === 'blocked')) assert.equal(g.rootCause, expectBlocked.get(g.id));
  const reason = (n: string) => s.gates.find((g) => g.id === id(n))!.reason;
  assert.match(reason('bp-gitea'), /gitea\..*503/);
  assert.match(reason('bp-kyverno'), /suspended/);
  assert.match(reason('bp-knative'), /flapping/);
  assert.match(reason('bp-grafana'), /observedGeneration 1 < metadata.generation 2/);
  assert.match(reason('bp-valkey'), /valkey-cli ping/);
  assert.equal(byStatus(s, 'passed').length, 48 - Object.keys(faults).length - expectBlocked.size);
});

test('a kit given by --kit drives the walk (35-slot 2026-04-30 kit, HR-Ready only)', async () => {
  const r = await walk(['--suite', 'readiness', '--json', '--kit', 'fixtures/bootstrap-kit-2026-04-30.json']);
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  assert.equal(byStatus(r.summary!, 'passed').length, 35);
});
