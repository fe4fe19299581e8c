/**
 * The scaling bench's pure half: the generated kits (graph, size, surfaces) and the verdicts of
 * its figures. No timing is asserted: figures are measured by `npm run bench`, never by tests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildCatalog } from '../probes/catalog.js';
import { watchedResource } from '../probes/kinds/index.js';
import { dependencyOrder, unlistedDependencies } from '../src/kit/graph.js';
import { loadKit } from '../src/kit/load.js';
import {
  memoryVerdict, replicaNamespace, SCALING_SIZES, scalingKit, surfaceObjects, timePerSlotVerdict, TIME_PER_SLOT_FACTOR, type ScalingPoint,
} from '../bench/scaling-kit.js';

const BASE = loadKit('fixtures/bootstrap-kit-48.json');
const edges = (slots: { dependsOn: string[] }[]) => slots.reduce((n, s) => n + s.dependsOn.length, 0);

test('generated kits have N slots, a valid acyclic graph within the kit, and load as kits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-scaling-'));
  try {
    for (const n of [...SCALING_SIZES, 1, 50, 100]) {
      const kit = scalingKit(BASE, n);
      assert.equal(kit.slots.length, n);
      assert.equal(new Set(kit.slots.map((s) => s.name)).size, n, 'names are unique');
      assert.equal(new Set(kit.slots.map((s) => s.slot)).size, n, 'slots are unique');
      assert.deepEqual(unlistedDependencies(kit.slots), [], 'every dependsOn names a slot of the kit');
      assert.equal(dependencyOrder(kit.slots).length, n, 'acyclic');
      const file = join(dir, `kit-${n}.json`);
      writeFileSync(file, JSON.stringify(kit));
      assert.equal(loadKit(file).slots.length, n, 'the walk loads it (schema, limit, graph)');
      assert.equal(buildCatalog(kit).length, n);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('each replica carries the canonical layered graph, remapped inside the replica', () => {
  const kit = scalingKit(BASE, 480);
  assert.equal(edges(kit.slots), 10 * edges(BASE.slots));
  const byName = new Map(kit.slots.map((s) => [s.name, s]));
  for (const s of kit.slots) {
    const replica = s.name.slice(-5);
    for (const d of s.dependsOn) assert.ok(d.endsWith(replica), `${s.name} → ${d} stays in its replica`);
    assert.ok(s.dependsOn.every((d) => byName.has(d)));
  }
  const grafana = byName.get('bp-grafana-r007')!;
  assert.deepEqual(grafana.dependsOn, BASE.slots.find((s) => s.name === 'bp-grafana')!.dependsOn.map((d) => `${d}-r007`));
  // Depth of the graph is the canonical depth, not N: the sweep's layers stay layers.
  const depth = (kit2: typeof kit) => {
    const m = new Map<string, number>();
    for (const s of dependencyOrder(kit2.slots)) m.set(s.name, 1 + Math.max(0, ...s.dependsOn.map((d) => m.get(d) ?? 0)));
    return Math.max(...m.values());
  };
  assert.equal(depth(kit), depth(BASE));
});

test('a cut that is not a multiple of 48 keeps every dependsOn inside the kit', () => {
  const kit = scalingKit(BASE, 70);
  assert.deepEqual(unlistedDependencies(kit.slots), []);
  assert.throws(() => scalingKit(BASE, 0), RangeError);
});

test('every generated surface is judged from Kubernetes objects, and names the object the bench writes', () => {
  const kit = scalingKit(BASE, 96);
  for (const s of kit.slots) {
    const check = s.surface!;
    assert.ok(!check.kind.startsWith('http-') && check.kind !== 'exec', `${s.name}: ${check.kind} needs no product endpoint`);
    if (check.kind === 'api-resource-served') continue;
    assert.ok(watchedResource(check), `${s.name}: ${check.kind} is re-judged from a watch`);
    const objs = surfaceObjects(check);
    assert.equal(objs.length, 1, `${s.name}: the bench knows which object to write`);
    assert.equal(objs[0].namespace, replicaNamespace(Number(s.name.slice(-3))));
  }
  const kinds = new Set(kit.slots.map((s) => s.surface!.kind));
  assert.deepEqual([...kinds].sort(), ['api-resource-served', 'resource-condition', 'resource-exists', 'rollout']);
  // Objects are per slot: no two slots' surfaces read the same object.
  const keys = kit.slots.flatMap((s) => surfaceObjects(s.surface!).map((o) => `${o.kind}/${o.namespace}/${o.name}`));
  assert.equal(new Set(keys).size, keys.length);
});

const point = (slots: number, sweepMs: number, peakRssMB: number): ScalingPoint => ({ slots, sweepMs, wallMs: sweepMs + 2000, overheadMs: 2000, peakRssMB });

test('time per slot: flat or falling passes, growing past the factor misses', () => {
  assert.equal(timePerSlotVerdict([point(48, 960, 100), point(480, 4800, 150), point(2400, 24_000, 400)]).verdict, 'PASS');
  assert.equal(timePerSlotVerdict([point(48, 960, 100), point(2400, 48_000 * TIME_PER_SLOT_FACTOR, 400)]).verdict, 'PASS');
  const growing = timePerSlotVerdict([point(48, 960, 100), point(480, 19_200, 150), point(2400, 240_000, 400)]);
  assert.equal(growing.verdict, 'MISS');
  assert.equal(growing.ratio, 5);
  assert.equal(timePerSlotVerdict([point(48, 960, 100)]).verdict, 'NOT MEASURED');
});

test('memory: linear or flatter passes, superlinear misses, order of points does not matter', () => {
  // 0.2 MB per slot throughout: linear.
  assert.equal(memoryVerdict([point(2400, 1, 100 + 0.2 * 2352), point(48, 1, 100), point(480, 1, 100 + 0.2 * 432)]).verdict, 'PASS');
  // Flat memory with noise: passes on the absolute allowance.
  assert.equal(memoryVerdict([point(48, 1, 120), point(480, 1, 119), point(2400, 1, 121)]).verdict, 'PASS');
  // Sublinear.
  assert.equal(memoryVerdict([point(48, 1, 100), point(480, 1, 200), point(2400, 1, 300)]).verdict, 'PASS');
  // Superlinear: 0.2 MB/slot, then 0.5 MB/slot.
  const superlinear = memoryVerdict([point(48, 1, 100), point(480, 1, 100 + 0.2 * 432), point(2400, 1, 100 + 0.2 * 432 + 0.5 * 1920)]);
  assert.equal(superlinear.verdict, 'MISS');
  assert.equal(superlinear.mbPerSlot.length, 2);
  assert.equal(memoryVerdict([point(48, 1, 100), point(480, 1, 200)]).verdict, 'NOT MEASURED');
});
