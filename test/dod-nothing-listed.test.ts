/**
 * DoD counts and audits over nothing are failures with a reason: L3's "no HelmRelease
 * Ready=False/Unknown" over a region that lists none (or does not serve Flux's API), and L6's
 * zero-touch audits when no object was audited. Judged against a fake region, no cluster.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GateRun } from '../src/gates/gate-run.js';
import { EvidenceWriter } from '../src/evidence/writer.js';
import { helmReleaseChecks, HELMRELEASES } from '../src/suites/dod/l3-helmreleases.js';
import { zeroTouchChecks } from '../src/suites/dod/l6-zero-touch.js';
import { DodSession } from '../src/suites/dod/session.js';
import type { DodCheckSpec } from '../src/suites/dod/check.js';
import type { Harness } from '../src/run/harness.js';
import { NotServedError } from '../src/target/errors.js';
import type { KubeObject } from '../src/target/objects.js';
import type { RegionSpec } from '../src/target/types.js';
import { tempDir } from './helpers/temp.js';

const REGION: RegionSpec = { name: 'hz-fsn-rtz-prod', role: 'primary', kubeconfigPath: '/nowhere' };

function session(objects: Record<string, KubeObject[] | 'not-served'>): DodSession {
  const region = {
    name: REGION.name,
    ping: async () => 'v1.31.0',
    list: async (resource: string) => {
      const o = objects[resource] ?? [];
      if (o === 'not-served') throw new NotServedError(`${resource} is not served by ${REGION.name}`);
      return { items: o, resourceVersion: '1' };
    },
  };
  const h = { regions: [region], evidence: new EvidenceWriter(tempDir('sw-dod-'), 't1'), ctx: { target: {} }, http: {} } as unknown as Harness;
  return new DodSession(h);
}

async function judge(spec: DodCheckSpec | undefined, s: DodSession) {
  assert.ok(spec);
  return spec.judge(s, new GateRun(`dod/${spec.key}`, 'dod', spec.text, {}));
}

const byKey = (specs: DodCheckSpec[], suffix: string) => specs.find((c) => c.key.endsWith(suffix));
const hr: KubeObject = { metadata: { name: 'bp-a', namespace: 'flux-system', generation: 1 }, status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'InstallSucceeded' }] } };

test('L3 counts fail when no HelmRelease is listed, or Flux is not served, instead of passing "0 of 0"', async () => {
  const l3 = helmReleaseChecks([REGION], { slots: [] });
  for (const suffix of ['not-ready-count', 'unknown-count']) {
    const empty = await judge(byKey(l3, suffix), session({ [HELMRELEASES]: [] }));
    assert.equal(empty.status, 'failed', suffix);
    assert.match(empty.reason ?? '', /no HelmRelease listed in hz-fsn-rtz-prod/);
    const notServed = await judge(byKey(l3, suffix), session({ [HELMRELEASES]: 'not-served' }));
    assert.equal(notServed.status, 'failed', suffix);
    assert.match(notServed.reason ?? '', /no HelmRelease could be listed .* not served/);
    assert.equal((await judge(byKey(l3, suffix), session({ [HELMRELEASES]: [hr] }))).status, 'passed', suffix);
  }
});

test('L6 audits fail when nothing was audited', async () => {
  const l6 = zeroTouchChecks([REGION]);
  const managers = await judge(byKey(l6, 'managers'), session({}));
  assert.equal(managers.status, 'failed');
  assert.match(managers.reason ?? '', /nothing audited in hz-fsn-rtz-prod/);
  const created = { ...hr, metadata: { ...hr.metadata, creationTimestamp: '2030-01-01T00:00:00Z' } } as unknown as KubeObject;
  assert.equal((await judge(byKey(l6, 'managers'), session({ [HELMRELEASES]: [created] }))).status, 'passed');
});
