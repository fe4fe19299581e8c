/**
 * The readiness suite walked by the compiled CLI against the embedded Sovereign (real control
 * planes, real Flux): every kit fault fails the gate it targets with its own reason and blocks
 * exactly its transitive dependents, a kit expectation no real product returns fails (one walk for
 * all of them), a healthy upgrade passes, and kits of other sizes install and judge.
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

test('each kit fault fails its slot with its own reason and blocks exactly its dependents; a kit expectation no real product returns fails, naming what it answered; a healthy upgrade passes', { timeout: WALK_MS }, async () => {
  const faults: Record<string, string> = {
    'bp-gitea': 'surface-down',
    'bp-kyverno': 'suspended',
    'bp-vpa': 'hr-flap',
    'bp-crossplane': 'stale-generation',
    'bp-valkey': 'surface-down',
    'bp-sealed-secrets': 'hr-stuck',
  };
  const kit = kitOf(SLOTS);
  // OpenBao's /v1/sys/health answers initialized, sealed, standby, versions: never a "status".
  const openbao = kit.slots.find((s) => s.name === 'bp-openbao')!;
  openbao.surface = { kind: 'http-json', url: 'https://bao.<sov>/v1/sys/health', expect: { initialized: true, sealed: false, status: 'ok' } };
  const path = kitFileOf(SLOTS).replace(/\.json$/, '-changed.json');
  writeFileSync(path, JSON.stringify(kit));
  const red = [...Object.keys(faults), 'bp-openbao'];
  const id = idsOf(kit);
  const catalog = buildCatalog(kit);
  const args = [...Object.entries(faults).map(([n, k]) => `${k}:${n}`), 'upgrade:bp-reloader'].flatMap((f) => ['--sim-fault', f]);
  const r = await walk(['--suite', 'readiness', '--json', '--kit', path, '--slot-deadline', '90s', ...args], { timeoutMs: WALK_MS });
  assert.equal(r.code, 1, r.stderr.slice(-3000));
  const s = r.summary!;
  const expectBlocked = new Map<string, string>();
  for (const n of red) for (const d of dependentsOf(catalog, id(n))) expectBlocked.set(d, id(n));
  // bp-reloader's upgrade (Ready=Unknown/Progressing, then Ready=True, a new rollout) is in progress, not a failure.
  assert.deepEqual(byStatus(s, 'failed'), red.map(id).sort(), JSON.stringify(s.gates.filter((g) => g.status !== 'passed').map((g) => [g.id, g.reason]), null, 1));
  assert.deepEqual(byStatus(s, 'blocked'), [...expectBlocked.keys()].sort());
  for (const g of s.gates.filter((x) => x.status === 'blocked')) assert.equal(g.rootCause, expectBlocked.get(g.id));
  const reason = (n: string) => s.gates.find((g) => g.id === id(n))!.reason;
  assert.match(reason('bp-gitea'), /gitea\..*(503|no healthy upstream)/);
  assert.match(reason('bp-kyverno'), /suspended/);
  assert.match(reason('bp-vpa'), /flapping|no longer Ready/);
  assert.match(reason('bp-crossplane'), /observedGeneration \d+ < metadata.generation \d+|generation \d+ not yet observed/);
  assert.match(reason('bp-valkey'), /valkey-cli ping/);
  assert.match(reason('bp-sealed-secrets'), /InstallFailed/, 'names the failed install, also when the deadline falls during a retry');
  assert.match(reason('bp-sealed-secrets'), /ServiceMonitor/);
  assert.match(reason('bp-openbao'), /want \{"initialized":true,"sealed":false,"status":"ok"\}, got \{"initialized":true,"sealed":false\}/, 'names what OpenBao answered');
  assert.equal(s.gates.find((g) => g.id === id('bp-reloader'))!.status, 'passed');
});

// The whole-kit walks settle 2 s, not 10: the settle window (a flap after Ready) is walked by the faults test above (hr-flap).
test('kits of other sizes install through Flux and are judged whole: the 68-slot kit', { timeout: 25 * 60_000 }, async () => {
  const r = await walk(['--suite', 'readiness', '--json', '--settle', '2s', '--kit', 'fixtures/bootstrap-kit-68.json'], { timeoutMs: 25 * 60_000 });
  assert.equal(r.code, 0, `${r.stderr.slice(-3000)}\n${JSON.stringify(r.summary?.gates.filter((g) => g.status !== 'passed').map((g) => [g.id, g.reason]))}`);
  assert.equal(byStatus(r.summary!, 'passed').length, 68);
});

test('the 2026-04-30 kit (35 slots, HelmRelease-Ready only) installs and passes', { timeout: WALK_MS }, async () => {
  const r = await walk(['--suite', 'readiness', '--json', '--settle', '2s', '--kit', 'fixtures/bootstrap-kit-2026-04-30.json'], { timeoutMs: WALK_MS });
  assert.equal(r.code, 0, r.stderr.slice(-3000));
  assert.equal(byStatus(r.summary!, 'passed').length, 35);
});
