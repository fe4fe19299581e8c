import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OPERATORS, operatorFor } from '../sim/operators/catalog.js';
import { findCrd } from './helpers/crd-schema.js';
import { assertAccepted, sampleObject } from './helpers/operator-samples.js';
import { loadKit } from './helpers/sim-world.js';

/** The plurals a chart matches a kind by (`gateways`, `clusterpolicies`), as sim/charts/slot-chart.ts does. */
function plurals(kind: string): string[] {
  const k = kind.toLowerCase();
  return [`${k}s`, k.endsWith('y') ? `${k.slice(0, -1)}ies` : /(s|x|ch|sh)$/.test(k) ? `${k}es` : `${k}s`];
}

describe('operator model catalog', () => {
  it('has one model per API group', () => {
    const groups = OPERATORS.map((o) => o.group);
    assert.deepEqual(groups, [...new Set(groups)]);
  });

  it('every custom-resource check of the 48-slot kit names a kind a model reconciles', () => {
    const kit = loadKit('bootstrap-kit-48.json');
    for (const slot of kit.slots) {
      const s = slot.surface;
      if (!s || !('resource' in s) || s.kind === 'api-resource-served') continue;
      const [res, ...rest] = s.resource.split('.');
      if (!rest.length) continue;
      const op = operatorFor(rest.join('.'));
      assert.ok(op, `${slot.name}: no model for ${s.resource}`);
      assert.ok(Object.keys(op.kinds).some((k) => plurals(k).includes(res)), `${slot.name}: ${op.group} has no kind for ${res}`);
    }
  });

  it("every model's samples and companions are accepted by the upstream CRDs at the versions it writes", () => {
    for (const op of OPERATORS) {
      for (const kind of Object.keys(op.kinds)) {
        // Crossplane writes revisions itself; no chart renders one.
        if (kind === 'CompositionRevision') continue;
        const namespace = findCrd(op.group, kind).spec.scope === 'Namespaced' ? 'sample' : undefined;
        assertAccepted(sampleObject(op, kind, 'sample', namespace));
        for (const c of op.companions?.(kind, 'sample', namespace) ?? []) if (String(c.apiVersion).includes('/')) assertAccepted(c);
      }
    }
  });

  it('fails, naming set-up, when the CRD cache is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sw-no-cache-'));
    try {
      assert.throws(() => findCrd('external-secrets.io', 'ExternalSecret', { ...process.env, SW_CACHE_DIR: empty }), /run bash scripts\/setup\.sh/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
