import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadKit } from '../src/kit/load.js';
import { buildCatalog, dependentsOf } from '../probes/catalog.js';
import { unlistedDependencies } from '../src/kit/graph.js';
import { SetupError } from '../src/target/errors.js';
import { tempDir } from './helpers/temp.js';

const kit48 = loadKit('fixtures/bootstrap-kit-48.json');

test('the 48-slot catalog is topologically ordered', () => {
  const c = buildCatalog(kit48);
  assert.equal(c.length, 48);
  const pos = new Map(c.map((p, i) => [p.id, i]));
  for (const p of c) for (const d of p.dependsOn) assert.ok(pos.get(d)! < pos.get(p.id)!, `${d} before ${p.id}`);
  assert.equal(c[0].id, 'readiness/01-bp-cilium');
});

test('transitive dependents: bp-seaweedfs has exactly 6', () => {
  const deps = dependentsOf(buildCatalog(kit48), 'readiness/18-bp-seaweedfs');
  assert.deepEqual([...deps].sort(), ['readiness/19-bp-harbor', 'readiness/22-bp-loki', 'readiness/23-bp-mimir', 'readiness/24-bp-tempo', 'readiness/25-bp-grafana', 'readiness/34-bp-velero']);
});

test('discovered slots join the catalog with HR-Ready only; known ones are not duplicated', () => {
  const c = buildCatalog(kit48, [{ slot: '55a', name: 'bp-extra', namespace: 'flux-system' }, { slot: '01', name: 'bp-cilium', namespace: 'flux-system' }]);
  assert.equal(c.length, 49);
  const extra = c.find((p) => p.slot.name === 'bp-extra')!;
  assert.equal(extra.discovered, true);
  assert.equal(extra.slot.surface, undefined);
});

test('a dependency the kit does not list is named by unlistedDependencies and left out of the catalog', () => {
  const kit = { slots: [{ slot: '01', name: 'a', dependsOn: ['bp-elsewhere'], ready: { kind: 'helmrelease-ready' as const, namespace: 'flux-system', name: 'a' } }] };
  assert.deepEqual(unlistedDependencies(kit.slots), ['a → bp-elsewhere']);
  assert.deepEqual(buildCatalog(kit)[0].dependsOn, []);
  assert.deepEqual(unlistedDependencies(kit48.slots), []);
});

test('the 2026-04-30 kit (35 slots, no surfaces) builds', () => {
  const c = buildCatalog(loadKit('fixtures/bootstrap-kit-2026-04-30.json'));
  assert.equal(c.length, 35);
  assert.ok(c.every((p) => !p.slot.surface));
});

test('bad kits are SetupErrors naming the problem', () => {
  const dir = tempDir('kit-');
  const write = (name: string, v: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, typeof v === 'string' ? v : JSON.stringify(v));
    return p;
  };
  const slot = (name: string, dependsOn: string[]) => ({ slot: name, name, dependsOn, ready: { kind: 'helmrelease-ready', namespace: 'flux-system', name } });
  assert.throws(() => loadKit(join(dir, 'missing.json')), /file not found/);
  assert.throws(() => loadKit(write('bad.json', '{')), SetupError);
  assert.throws(() => loadKit(write('noslots.json', { slots: [] })), /\/slots/);
  assert.throws(() => loadKit(write('badsurface.json', { slots: [{ ...slot('a', []), surface: { kind: 'rollout' } }] })), /required property/);
  assert.throws(() => loadKit(write('cycle.json', { slots: [slot('a', ['b']), slot('b', ['a'])] })), /cycle: a → b → a|cycle: b → a → b/);
  assert.throws(() => loadKit(write('self.json', { slots: [slot('a', ['a'])] })), /cycle: a → a$/);
  assert.throws(() => loadKit(write('dup.json', { slots: [slot('a', []), slot('a', [])] })), /appears twice/);
});
