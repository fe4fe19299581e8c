import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeHelmRelease } from '../probes/kinds/helmrelease.js';
import { rolloutProblem } from '../probes/kinds/rollout.js';
import { containsSubset, isNonEmpty, readPath } from '../probes/kinds/path.js';
import { equalitySelector, type KubeObject } from '../src/target/objects.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeCondition, probeField } from '../probes/kinds/resources.js';
import { loadKit } from '../src/kit/load.js';
import { SetupError } from '../src/target/errors.js';
import type { HttpClient } from '../src/target/http.js';
import type { RegionClient } from '../src/target/kube.js';
import { tempDir } from './helpers/temp.js';

const hr = (o: { gen?: number; observed?: number; ready?: string; reason?: string; suspend?: boolean; stalled?: boolean }): KubeObject => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'bp-x', namespace: 'flux-system', generation: o.gen ?? 1 },
  spec: o.suspend ? { suspend: true } : {},
  status: {
    observedGeneration: o.observed ?? o.gen ?? 1,
    conditions: [
      ...(o.ready ? [{ type: 'Ready', status: o.ready, reason: o.reason ?? 'InstallSucceeded', message: 'm' }] : []),
      ...(o.stalled ? [{ type: 'Stalled', status: 'True', reason: 'RetriesExceeded' }] : []),
    ],
  },
});

test('HelmRelease Ready: True at the current generation passes', () => {
  assert.equal(judgeHelmRelease(hr({ ready: 'True' }), 1).ok, true);
});

test('HelmRelease Ready: stale generation, suspended, stalled, missing, not Ready all fail with the reason', () => {
  const stale = judgeHelmRelease(hr({ ready: 'True', gen: 2, observed: 1 }), 1);
  assert.equal(stale.ok, false);
  assert.match(stale.reason, /observedGeneration 1 < metadata.generation 2/);
  const susp = judgeHelmRelease(hr({ ready: 'True', suspend: true }), 1);
  assert.equal(susp.ok, false);
  assert.equal(susp.final, true);
  assert.match(susp.reason, /suspended/);
  const stalled = judgeHelmRelease(hr({ ready: 'False', reason: 'InstallFailed', stalled: true }), 1);
  assert.equal(stalled.final, true);
  assert.match(stalled.reason, /stalled.*InstallFailed/);
  assert.match(judgeHelmRelease(undefined, 1).reason, /not found/);
  assert.match(judgeHelmRelease(hr({ ready: 'Unknown', reason: 'Progressing' }), 1).reason, /Ready=Unknown \(Progressing/);
  assert.match(judgeHelmRelease(hr({}), 1).reason, /no Ready condition/);
});

test('HelmRelease retrying an install that stored no release (never Stalled): the reason names the last failure and the count', () => {
  const retrying = hr({ ready: 'Unknown', reason: 'Progressing' });
  const failed = { type: 'Released', status: 'False', reason: 'InstallFailed', message: 'unable to build kubernetes objects from release manifest: no matches for kind "ServiceMonitor"' };
  retrying.status = { ...retrying.status, failures: 6, conditions: [...(retrying.status!.conditions ?? []), failed] };
  const r = judgeHelmRelease(retrying, 1);
  assert.equal(r.ok, false);
  assert.notEqual(r.final, true);
  assert.match(r.reason, /Ready=Unknown \(Progressing.*\); the last attempt failed \(6 failures so far\): InstallFailed: .*ServiceMonitor/);
  assert.doesNotMatch(judgeHelmRelease(hr({ ready: 'Unknown', reason: 'Progressing' }), 1).reason, /last attempt/);
});

const wl = (spec: Record<string, unknown>, status: Record<string, unknown>, gen = 1): KubeObject => ({ metadata: { name: 'w', generation: gen }, spec, status: { observedGeneration: gen, ...status } });

test('rollout status follows kubectl for each workload kind', () => {
  assert.equal(rolloutProblem('deployment', wl({ replicas: 2 }, { replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 })), undefined);
  assert.match(rolloutProblem('deployment', wl({ replicas: 2 }, { replicas: 2, updatedReplicas: 2, availableReplicas: 1 }))!, /1 of 2 replicas available/);
  assert.match(rolloutProblem('deployment', wl({ replicas: 2 }, { replicas: 3, updatedReplicas: 2, availableReplicas: 2 }))!, /old replicas pending/);
  assert.match(rolloutProblem('deployment', { metadata: { name: 'w', generation: 2 }, spec: { replicas: 1 }, status: { observedGeneration: 1 } })!, /not yet observed/);
  assert.equal(rolloutProblem('daemonset', wl({}, { desiredNumberScheduled: 4, updatedNumberScheduled: 4, numberAvailable: 4 })), undefined);
  assert.match(rolloutProblem('daemonset', wl({}, { desiredNumberScheduled: 4, updatedNumberScheduled: 4, numberAvailable: 3 }))!, /3 of 4 pods available/);
  assert.equal(rolloutProblem('statefulset', wl({ replicas: 3 }, { readyReplicas: 3, updatedReplicas: 3, currentRevision: 'a', updateRevision: 'a' })), undefined);
  assert.match(rolloutProblem('statefulset', wl({ replicas: 3 }, { readyReplicas: 3, updatedReplicas: 3, currentRevision: 'a', updateRevision: 'b' }))!, /revision a not yet b/);
});

test('JSON paths and subsets', () => {
  const v = { data: [{ id: 'm1' }], status: { phase: 'ok' }, empty: [] };
  assert.equal(readPath(v, 'data[0].id'), 'm1');
  assert.equal(readPath(v, 'status.phase'), 'ok');
  assert.equal(readPath(v, 'nope.x'), undefined);
  assert.equal(isNonEmpty(readPath(v, 'empty')), false);
  assert.equal(containsSubset({ a: 1, b: { c: false, d: 2 } }, { b: { c: false } }), true);
  assert.equal(containsSubset({ sealed: true }, { sealed: false }), false);
});

/** An env whose region lists `items` for any resource. */
const listing = (items: KubeObject[]) => ({ region: { list: async () => ({ items, resourceVersion: '1' }) } as unknown as RegionClient, http: {} as HttpClient, sovereign: 's', placeholder: '<sov>' });
const obj = (name: string, extra: Record<string, unknown>): KubeObject => ({ metadata: { name, namespace: 'ns' }, ...extra });

test('resource-condition without name or all means every object; `any` only when the kit says so', async () => {
  const gateways = [obj('gw-1', { status: { conditions: [{ type: 'Programmed', status: 'True' }] } }), obj('gw-2', { status: { conditions: [{ type: 'Programmed', status: 'False', reason: 'Invalid' }] } })];
  const check = { kind: 'resource-condition', resource: 'gateways.gateway.networking.k8s.io', condition: 'Programmed', status: 'True' } as const;
  const every = await probeCondition(check, listing(gateways));
  assert.equal(every.ok, false, 'one of two Programmed is not enough');
  assert.match(every.reason, /1 of 2 .* not Programmed=True: ns\/gw-2 Programmed=False Invalid/);
  assert.equal((await probeCondition({ ...check, any: true }, listing(gateways))).ok, true);
  assert.equal((await probeCondition(check, listing([gateways[0]]))).ok, true);
  assert.match((await probeCondition(check, listing([]))).reason, /^no gateways/);
});

test('resource-field notEquals fails on a missing or empty value', async () => {
  const check = { kind: 'resource-field', resource: 'opentelemetrycollectors.opentelemetry.io', field: 'status.phase', notEquals: 'Failed' } as const;
  assert.equal((await probeField(check, listing([obj('c', { status: {} })]))).ok, false, 'missing');
  assert.equal((await probeField(check, listing([obj('c', { status: { phase: '' } })]))).ok, false, 'empty');
  assert.equal((await probeField(check, listing([obj('c', { status: { phase: null } })]))).ok, false, 'null');
  assert.equal((await probeField(check, listing([obj('c', { status: { phase: 'Failed' } })]))).ok, false, 'equal');
  assert.equal((await probeField(check, listing([obj('c', { status: { phase: 'Running' } })]))).ok, true);
});

test('the kit schema refuses a resource-condition that says both all and any', () => {
  const dir = tempDir('sw-kit-');
  const slot = (surface: Record<string, unknown>) => ({ slots: [{ slot: '01', name: 'bp-x', dependsOn: [], ready: { kind: 'helmrelease-ready', namespace: 'f', name: 'bp-x' }, surface }] });
  const surface = { kind: 'resource-condition', resource: 'xs', condition: 'Ready', status: 'True' };
  writeFileSync(join(dir, 'ok.json'), JSON.stringify(slot({ ...surface, any: true })));
  writeFileSync(join(dir, 'both.json'), JSON.stringify(slot({ ...surface, any: true, all: true })));
  assert.equal(loadKit(join(dir, 'ok.json')).slots.length, 1);
  assert.throws(() => loadKit(join(dir, 'both.json')), SetupError);
});

test('an equality label selector is matched as the API server would; a set-based one is left to the API server', () => {
  const sel = equalitySelector('app=valkey,tier==cache,canary!=true')!;
  assert.equal(sel({ app: 'valkey', tier: 'cache' }), true);
  assert.equal(sel({ app: 'valkey', tier: 'cache', canary: 'false' }), true);
  assert.equal(sel({ app: 'valkey', tier: 'cache', canary: 'true' }), false);
  assert.equal(sel({ app: 'valkey' }), false);
  assert.equal(sel(undefined), false);
  for (const setBased of ['app in (a,b)', '!canary', 'app', 'app notin (x)']) assert.equal(equalitySelector(setBased), undefined, setBased);
});
