/**
 * The readiness suite walked by the compiled CLI against the embedded Sovereign (real control
 * planes, real Flux): every kit fault fails the gate it targets with its own reason and blocks
 * exactly its transitive dependents, a healthy upgrade passes, a kit expectation no real product
 * returns fails, and kits of other sizes install and judge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { walk, byStatus } from './helpers/walk.js';
import { kitFileOf, kitOf } from './helpers/kits.js';
import { buildCatalog, dependentsOf } from '../probes/catalog.js';
import type { Kit } from '../src/kit/types.js';

const WALK_MS = 15 * 60_000;

/** Disjoint subtrees of the DAG, so each fault's dependents are its own. */
const SLOTS = [
  'bp-cilium', 'bp-cert-manager', 'bp-flux', 'bp-crossplane', 'bp-crossplane-claims', 'bp-sealed-secrets', 'bp-nats-jetstream',
  'bp-openbao', 'bp-keycloak', 'bp-gitea', 'bp-valkey', 'bp-kyverno', 'bp-reloader', 'bp-vpa', 'bp-external-secrets',
];

function idsOf(kit: Kit): (name: string) => string {
  const catalog = buildCatalog(kit);
  return (name) => catalog.find((p) => p.slot.name === name)!.id;
}

test('each kit fault fails its slot with its own reason and blocks exactly its dependents; a healthy upgrade passes', { timeout: WALK_MS }, async () => {
  const faults: Record<string, string> = {
    'bp-gitea': 'surface-down',
    'bp-kyverno': 'suspended',
    'bp-reloader': 'hr-flap',
    'bp-crossplane': 'stale-generation',
    'bp-valkey': 'surface-down',
    'bp-sealed-secrets': 'hr-stuck',
  };
  const kit = kitOf(SLOTS);
  const id = idsOf(kit);
  const catalog = buildCatalog(kit);
  const args = [...Object.entries(faults).map(([n, k]) => `${k}:${n}`), 'upgrade:bp-openbao'].flatMap((f) => ['--sim-fault', f]);
  const r = await walk(['--suite', 'readiness', '--json', '--kit', kitFileOf(SLOTS), '--slot-deadline', '90s', ...args], { timeoutMs: WALK_MS });
  assert.equal(r.code, 1, r.stderr.slice(-3000));
  const s = r.summary!;
  const expectBlocked = new Map<string, string>();
  for (const n of Object.keys(faults)) for (const d of dependentsOf(catalog, id(n))) expectBlocked.set(d, id(n));
  // bp-openbao's upgrade (Ready=Unknown/Progressing, then Ready=True) is in progress, not a failure.
  assert.deepEqual(byStatus(s, 'failed'), Object.keys(faults).map(id).sort(), JSON.stringify(s.gates.filter((g) => g.status !== 'passed').map((g) => [g.id, g.reason]), null, 1));
  assert.deepEqual(byStatus(s, 'blocked'), [...expectBlocked.keys()].sort());
  for (const g of s.gates.filter((x) => x.status === 'blocked')) assert.equal(g.rootCause, expectBlocked.get(g.id));
  const reason = (n: string) => s.gates.find((g) => g.id === id(n))!.reason;
  assert.match(reason('bp-gitea'), /gitea\..*(503|no healthy upstream)/);
  assert.match(reason('bp-kyverno'), /suspended/);
  assert.match(reason('bp-reloader'), /flapping|no longer Ready/);
  assert.match(reason('bp-crossplane'), /observedGeneration \d+ < metadata.generation \d+/);
  assert.match(reason('bp-valkey'), /valkey-cli ping/);
  assert.match(reason('bp-sealed-secrets'), /InstallFailed|stalled/i);
  assert.match(reason('bp-sealed-secrets'), /ServiceMonitor/);
  assert.equal(s.gates.find((g) => g.id === id('bp-openbao'))!.status, 'passed');
});

test('a kit expectation no real product returns fails its gate, naming what the product answered', { timeout: WALK_MS }, async () => {
  const names = ['bp-cilium', 'bp-cert-manager', 'bp-keycloak', 'bp-gitea'];
  const kit = kitOf(names);
  const gitea = kit.slots.find((s) => s.name === 'bp-gitea')!;
  // Gitea's health check answers {"status":"pass",…}; no Gitea answers "ok".
  gitea.surface = { kind: 'http-json', url: 'https://gitea.<sov>/api/healthz', expect: { status: 'ok' } };
  const path = kitFileOf(names).replace(/\.json$/, '-changed.json');
  writeFileSync(path, JSON.stringify(kit));
  const r = await walk(['--suite', 'readiness', '--json', '--kit', path, '--slot-deadline', '30s'], { timeoutMs: WALK_MS });
  assert.equal(r.code, 1, r.stderr.slice(-3000));
  const g = r.summary!.gates.find((x) => x.title.includes('bp-gitea') || x.id.endsWith('bp-gitea'))!;
  assert.equal(g.status, 'failed');
  assert.match(g.reason, /status/);
  assert.deepEqual(byStatus(r.summary!, 'passed').length, 3);
});

test('kits of other sizes install through Flux and are judged whole: the 68-slot kit', { timeout: 25 * 60_000 }, async () => {
  const r = await walk(['--suite', 'readiness', '--json', '--kit', 'fixtures/bootstrap-kit-68.json'], { timeoutMs: 25 * 60_000 });
  assert.equal(r.code, 0, `${r.stderr.slice(-3000)}\n${JSON.stringify(r.summary?.gates.filter((g) => g.status !== 'passed').map((g) => [g.id, g.reason]))}`);
  assert.equal(byStatus(r.summary!, 'passed').length, 68);
});

test('the 2026-04-30 kit (35 slots, HelmRelease-Ready only) installs and passes', { timeout: WALK_MS }, async () => {
  const r = await walk(['--suite', 'readiness', '--json', '--kit', 'fixtures/bootstrap-kit-2026-04-30.json'], { timeoutMs: WALK_MS });
  assert.equal(r.code, 0, r.stderr.slice(-3000));
  assert.equal(byStatus(r.summary!, 'passed').length, 35);
});
