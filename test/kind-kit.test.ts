import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Kit } from '../src/kit/types.js';
import { KIND_CHARTS } from '../src/kind/charts.js';

const read = (path: string) => JSON.parse(readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')) as Kit;
const full = read('fixtures/bootstrap-kit-48.json');
const kind = read('fixtures/kind/kit-kind.json');

test('the kind kit is a profile of the canonical kit: same slots, same checks, dependsOn pruned to kept slots', () => {
  const kept = new Set(kind.slots.map((s) => s.name));
  assert.ok(kind.slots.length >= 5, 'a meaningful profile');
  assert.equal(kind.sovPlaceholder, full.sovPlaceholder);
  for (const slot of kind.slots) {
    const original = full.slots.find((s) => s.name === slot.name);
    assert.ok(original, `${slot.name} is a slot of the canonical kit`);
    assert.equal(slot.slot, original.slot);
    assert.equal(slot.tier, original.tier);
    assert.equal(slot.layer, original.layer);
    assert.deepEqual(slot.ready, original.ready, `${slot.name}: same readiness check`);
    assert.deepEqual(slot.surface, original.surface, `${slot.name}: same surface check`);
    assert.deepEqual(slot.dependsOn, original.dependsOn.filter((d) => kept.has(d)), `${slot.name}: dependsOn pruned to the kind kit`);
  }
  const order = kind.slots.map((s) => full.slots.findIndex((f) => f.name === s.name));
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'canonical slot order kept');
});

test('every kind kit slot says how kind installs it', () => {
  for (const slot of kind.slots) {
    assert.ok(KIND_CHARTS[slot.name], `${slot.name} has a chart in src/kind/charts.ts`);
    assert.ok(slot.chart && slot.version && slot.targetNamespace, `${slot.name} names chart, version and targetNamespace`);
    const surface = slot.surface;
    if (surface && 'namespace' in surface && surface.kind === 'rollout') {
      assert.equal(surface.namespace, slot.targetNamespace, `${slot.name}: the probed workload lives in the release namespace`);
    }
  }
  assert.deepEqual(Object.keys(KIND_CHARTS).sort(), kind.slots.map((s) => s.name).sort(), 'no chart without a slot');
});
