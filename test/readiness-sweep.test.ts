/**
 * The readiness sweep against fake regions fed synthetic watch events: every region judged,
 * kstatus semantics in the settle window (a release action in progress that returns to
 * Ready=True is healthy; Ready=False, Stalled or still in progress at the end is not), and
 * surfaces re-checked when the window ends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCatalog } from '../probes/catalog.js';
import type { Kit } from '../src/kit/types.js';
import { HELMRELEASES, ReadinessSweep, type SlotResult } from '../src/suites/readiness/sweep.js';
import type { HttpClient } from '../src/target/http.js';
import type { RegionClient } from '../src/target/kube.js';
import type { KubeObject } from '../src/target/objects.js';
import type { WatchEvent, WatchHandler } from '../src/target/watch.js';

const PRIMARY = 'hz-fsn-rtz-prod';
const SECONDARY = 'hz-hel-rtz-prod';
const WIDGETS = 'widgets.example.com';

/** A region API held in memory: list, get and watch, with `put`/`remove` emitting watch events. */
class FakeRegion {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly handlers = new Map<string, WatchHandler[]>();
  constructor(readonly name: string) {}

  private of(resource: string): Map<string, KubeObject> {
    let m = this.objects.get(resource);
    if (!m) this.objects.set(resource, (m = new Map()));
    return m;
  }

  put(resource: string, obj: KubeObject): void {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const type: WatchEvent = this.of(resource).has(key) ? 'MODIFIED' : 'ADDED';
    this.of(resource).set(key, obj);
    for (const h of this.handlers.get(resource) ?? []) h(type, obj, Date.now());
  }

  remove(resource: string, namespace: string, name: string): void {
    const obj = this.of(resource).get(`${namespace}/${name}`);
    if (!obj) return;
    this.of(resource).delete(`${namespace}/${name}`);
    for (const h of this.handlers.get(resource) ?? []) h('DELETED', obj, Date.now());
  }

  /** The exec requests the sweep sent: `namespace/pod`. */
  readonly execs: string[] = [];

  async exec(namespace: string, pod: string): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    this.execs.push(`${namespace}/${pod}`);
    return { stdout: 'PONG\n', stderr: '', exitCode: 0 };
  }

  /** LIST requests the sweep sent, by resource. */
  readonly lists = new Map<string, number>();

  async watch(resource: string, _opts: unknown, handler: WatchHandler): Promise<{ stop(): void; objects(): KubeObject[]; object(ns: string | undefined, name: string): KubeObject | undefined }> {
    for (const o of this.of(resource).values()) handler('ADDED', o, Date.now());
    this.handlers.set(resource, [...(this.handlers.get(resource) ?? []), handler]);
    return { stop: () => {}, objects: () => [...this.of(resource).values()], object: (ns: string | undefined, name: string) => this.of(resource).get(`${ns}/${name}`) };
  }

  async resolve(_resource: string): Promise<{ namespaced: boolean }> {
    return { namespaced: true };
  }

  async list(resource: string): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    this.lists.set(resource, (this.lists.get(resource) ?? 0) + 1);
    return { items: [...this.of(resource).values()], resourceVersion: '1' };
  }
}

interface HrOpts {
  ready?: 'True' | 'False' | 'Unknown';
  reason?: string;
  reconciling?: boolean;
  stalled?: boolean;
  generation?: number;
}

function hr(name: string, o: HrOpts = {}): KubeObject {
  const gen = o.generation ?? 1;
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name, namespace: 'flux-system', generation: gen },
    spec: {},
    status: {
      observedGeneration: gen,
      conditions: [
        { type: 'Ready', status: o.ready ?? 'True', reason: o.reason ?? (o.ready === 'Unknown' ? 'Progressing' : o.ready === 'False' ? 'UpgradeFailed' : 'UpgradeSucceeded'), message: 'm' },
        ...(o.reconciling ? [{ type: 'Reconciling', status: 'True', reason: 'Progressing' }] : []),
        ...(o.stalled ? [{ type: 'Stalled', status: 'True', reason: 'RetriesExceeded' }] : []),
      ],
    },
  };
}

const widget = (ok: boolean): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'x' }, status: { conditions: [{ type: 'Ready', status: ok ? 'True' : 'False' }] } });

const KIT: Kit = {
  slots: [
    { slot: '01', name: 'bp-a', dependsOn: [], ready: { kind: 'helmrelease-ready', namespace: 'flux-system', name: 'bp-a' } },
    { slot: '02', name: 'bp-b', dependsOn: ['bp-a'], ready: { kind: 'helmrelease-ready', namespace: 'flux-system', name: 'bp-b' }, surface: { kind: 'resource-condition', resource: WIDGETS, condition: 'Ready', status: 'True' } },
  ],
};

/** Two healthy regions with both slots Ready and the widget Ready. */
function world(): FakeRegion[] {
  return [PRIMARY, SECONDARY].map((name) => {
    const r = new FakeRegion(name);
    r.put(HELMRELEASES, hr('bp-a'));
    r.put(HELMRELEASES, hr('bp-b'));
    r.put(WIDGETS, widget(true));
    return r;
  });
}

/** Runs the sweep; `during` runs once the slots have passed, inside the settle window. */
async function sweep(regions: FakeRegion[], during: () => Promise<void> = async () => {}, settleMs = 600, kit: Kit = KIT): Promise<Map<string, SlotResult>> {
  const envs = regions.map((r) => ({ region: r as unknown as RegionClient, http: {} as HttpClient, sovereign: 't1.omani.works', placeholder: '<sov>' }));
  const s = new ReadinessSweep(envs, buildCatalog(kit), { deadlineMs: 1_500, settleMs });
  await s.start();
  try {
    await new Promise((r) => setTimeout(r, 50));
    await during();
    return await s.all();
  } finally {
    s.stop();
  }
}

const status = (m: Map<string, SlotResult>) => Object.fromEntries([...m.values()].map((r) => [r.probe.slot.name, r.status]));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('every region is judged: a second region whose HelmRelease is not Ready fails the slot, naming the region', async () => {
  const regions = world();
  regions[1].put(HELMRELEASES, hr('bp-a', { ready: 'False', reason: 'InstallFailed' }));
  const m = await sweep(regions, async () => {}, 0);
  assert.deepEqual(status(m), { 'bp-a': 'failed', 'bp-b': 'blocked' });
  const a = [...m.values()][0];
  assert.match(a.reason, new RegExp(`^in ${SECONDARY}: .*InstallFailed`));
  assert.deepEqual(a.regions.map((v) => `${v.region}:${v.hr.ok}`), [`${PRIMARY}:true`, `${SECONDARY}:false`]);
});

test('a surface is judged in every region: a widget not Ready in the second region fails the slot', async () => {
  const regions = world();
  regions[1].put(WIDGETS, widget(false));
  const m = await sweep(regions, async () => {}, 0);
  assert.deepEqual(status(m), { 'bp-a': 'passed', 'bp-b': 'failed' });
  assert.match(m.get('readiness/02-bp-b')!.reason, new RegExp(`^in ${SECONDARY}: `));
});

test('a healthy upgrade (Ready=Unknown/Progressing, then Ready=True) inside the settle window is not a flap', async () => {
  const regions = world();
  const m = await sweep(regions, async () => {
    regions[0].put(HELMRELEASES, hr('bp-a', { ready: 'Unknown', reconciling: true, generation: 2 }));
    await wait(100);
    regions[0].put(HELMRELEASES, hr('bp-a', { ready: 'True', generation: 2 }));
  });
  assert.deepEqual(status(m), { 'bp-a': 'passed', 'bp-b': 'passed' });
  assert.deepEqual(m.get('readiness/01-bp-a')!.flaps, []);
});

test('Ready=False after passing is a flap: the slot fails naming the region and its dependents are blocked', async () => {
  const regions = world();
  const m = await sweep(regions, async () => {
    regions[1].put(HELMRELEASES, hr('bp-a', { ready: 'False', reason: 'UpgradeFailed' }));
    await wait(50);
    regions[1].put(HELMRELEASES, hr('bp-a'));
  });
  assert.deepEqual(status(m), { 'bp-a': 'failed', 'bp-b': 'blocked' });
  assert.match(m.get('readiness/01-bp-a')!.reason, new RegExp(`^flapping: in ${SECONDARY} .*Ready=False UpgradeFailed`));
  assert.equal(m.get('readiness/02-bp-b')!.rootCause, 'readiness/01-bp-a');
});

test('Stalled=True after passing is a flap even while Ready is Unknown', async () => {
  const regions = world();
  const m = await sweep(regions, async () => regions[0].put(HELMRELEASES, hr('bp-b', { ready: 'Unknown', stalled: true })));
  assert.equal(status(m)['bp-b'], 'failed');
  assert.match(m.get('readiness/02-bp-b')!.reason, /flapping: .*Stalled=True/);
});

test('a release still Progressing at the end of the settle window fails: it did not settle', async () => {
  const regions = world();
  const m = await sweep(regions, async () => regions[0].put(HELMRELEASES, hr('bp-a', { ready: 'Unknown', reconciling: true, generation: 2 })));
  assert.deepEqual(status(m), { 'bp-a': 'failed', 'bp-b': 'blocked' });
  assert.match(m.get('readiness/01-bp-a')!.reason, new RegExp(`^did not settle: in ${PRIMARY} .*still in progress.*Ready=Unknown Progressing`));
});

test('the settle window re-checks surfaces: one that stops answering after passing fails its slot', async () => {
  const regions = world();
  const m = await sweep(regions, async () => regions[1].put(WIDGETS, widget(false)));
  assert.deepEqual(status(m), { 'bp-a': 'passed', 'bp-b': 'failed' });
  assert.match(m.get('readiness/02-bp-b')!.reason, new RegExp(`^surface stopped answering after passing, in ${SECONDARY}: `));
});

test('a surface on a watched resource is judged from the watch, settle re-check included: the sweep never LISTs it itself', async () => {
  const regions = world();
  const results = await sweep(regions);
  assert.equal(results.get(buildCatalog(KIT)[1].id)!.status, 'passed');
  for (const r of regions) assert.equal(r.lists.get(WIDGETS) ?? 0, 0, `${r.name}: the watch's own list is the only one`);
});

const DEPLOYMENTS = 'deployments.apps';
const EXEC_KIT: Kit = {
  slots: [
    KIT.slots[0],
    { slot: '03', name: 'bp-valkey', dependsOn: ['bp-a'], ready: { kind: 'helmrelease-ready', namespace: 'flux-system', name: 'bp-valkey' }, surface: { kind: 'exec', namespace: 'valkey', target: 'deploy/valkey', command: ['valkey-cli', 'ping'], expectStdout: 'PONG' } },
  ],
};

const valkeyPod = (name: string, phase = 'Running'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'valkey', labels: { app: 'valkey' } }, spec: { containers: [{ name: 'valkey' }] }, status: { phase } });

/** One region with bp-a and bp-valkey Ready, the valkey Deployment, a Running pod of it and a pod of something else. */
function execWorld(): FakeRegion {
  const r = new FakeRegion(PRIMARY);
  r.put(HELMRELEASES, hr('bp-a'));
  r.put(HELMRELEASES, hr('bp-valkey'));
  r.put(DEPLOYMENTS, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'valkey', namespace: 'valkey' }, spec: { selector: { matchLabels: { app: 'valkey' } } } });
  r.put('pods', { ...valkeyPod('other-1'), metadata: { name: 'other-1', namespace: 'valkey', labels: { app: 'other' } } });
  r.put('pods', valkeyPod('valkey-1'));
  return r;
}

test('an exec surface finds its pod by label among the watched pods, in the sweep and the settle re-check: no LIST of pods or Deployments', async () => {
  const region = execWorld();
  const m = await sweep([region], async () => {}, 100, EXEC_KIT);
  assert.equal(m.get('readiness/03-bp-valkey')!.status, 'passed');
  assert.match(m.get('readiness/03-bp-valkey')!.reason, /exec valkey-1 -- valkey-cli ping/);
  assert.ok(region.execs.length >= 2 && region.execs.every((e) => e === 'valkey/valkey-1'), `execs: ${region.execs.join(', ')}`);
  assert.equal(region.lists.get('pods') ?? 0, 0);
  assert.equal(region.lists.get(DEPLOYMENTS) ?? 0, 0);
});

test('an exec surface whose pod is gone from the watch fails the slot in the settle re-check, naming the workload', async () => {
  const region = execWorld();
  const m = await sweep([region], async () => region.remove('pods', 'valkey', 'valkey-1'), 300, EXEC_KIT);
  const r = m.get('readiness/03-bp-valkey')!;
  assert.equal(r.status, 'failed');
  assert.match(r.reason, /^surface stopped answering after passing, in hz-fsn-rtz-prod: no Running pod of deploy\/valkey \(0 pods match app=valkey\)/);
});

test('an exec surface whose only pod is not Running fails the slot', async () => {
  const region = execWorld();
  region.put('pods', valkeyPod('valkey-1', 'Pending'));
  const m = await sweep([region], async () => {}, 0, EXEC_KIT);
  const r = m.get('readiness/03-bp-valkey')!;
  assert.equal(r.status, 'failed');
  assert.match(r.reason, /no Running pod of deploy\/valkey \(1 pods match app=valkey\)/);
});

test('a polled surface probed before its dependency passed proves the slot only when the dependency does; a HelmRelease changed since sends it to probe afresh', async () => {
  const region = execWorld();
  const m = await sweep([region], async () => {}, 0, EXEC_KIT);
  const r = m.get('readiness/03-bp-valkey')!;
  assert.equal(r.status, 'passed');
  assert.ok(r.finishedAt >= r.startedAt && r.startedAt >= m.get('readiness/01-bp-a')!.finishedAt);
  assert.equal(region.execs.length, 1, 'one early probe; no settle window (0 s), so no re-check');

  // bp-a is not Ready at first, so bp-valkey waits on it; meanwhile bp-valkey's release is upgraded (a new resourceVersion).
  const changed = execWorld();
  changed.put(HELMRELEASES, hr('bp-a', { ready: 'Unknown', reconciling: true }));
  const s = new ReadinessSweep([{ region: changed as unknown as RegionClient, http: {} as HttpClient, sovereign: 't1.omani.works', placeholder: '<sov>' }], buildCatalog(EXEC_KIT), { deadlineMs: 1_500, settleMs: 0 });
  await s.start();
  try {
    await wait(50);
    changed.put(HELMRELEASES, { ...hr('bp-valkey'), metadata: { ...hr('bp-valkey').metadata, resourceVersion: '2' } });
    changed.put(HELMRELEASES, hr('bp-a'));
    const after = await s.all();
    assert.equal(after.get('readiness/03-bp-valkey')!.status, 'passed');
    assert.equal(changed.execs.length, 2, 'the early probe and one afresh after the change (no settle window, no re-check)');
  } finally {
    s.stop();
  }
});
