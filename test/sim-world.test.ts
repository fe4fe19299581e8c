/**
 * The simulated Sovereign's world, reached only as a client reaches a live Sovereign
 * (client-node over the kubeconfigs, HTTPS over the resolve rules + CA, Debian's kubectl).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Watch } from '@kubernetes/client-node';
import { promisify } from 'node:util';
import { parseSimFaults, registerFaultKinds, SIM_FAULT_KINDS, startSim, type RunningSim } from '../sim/index.js';
import type { Kit } from '../src/kit/types.js';
import { HttpClient } from '../src/target/http.js';
import { RegionClient } from '../src/target/kube.js';
import { condition, type KubeObject } from '../src/target/objects.js';
import { loadKit, surfacePasses, waitFor } from './helpers/sim-world.js';

const run = promisify(execFile);
const KUBECTL = '/work/main/.tools/kubectl-debian';
const HR = 'helmreleases.helm.toolkit.fluxcd.io';
const kit48 = loadKit('bootstrap-kit-48.json');

function ready(o: KubeObject | undefined): boolean {
  return !!o && condition(o, 'Ready')?.status === 'True' && o.status?.observedGeneration === o.metadata.generation;
}

async function allHrsReady(rc: RegionClient, count: number): Promise<KubeObject[] | undefined> {
  const { items } = await rc.list(HR, { namespace: 'flux-system' });
  return items.length === count && items.every(ready) ? items : undefined;
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('healthy sim with the canonical 48-slot kit', { timeout: 90_000 }, () => {
  let sim: RunningSim;
  let primary: RegionClient;
  let secondary: RegionClient;
  let http: HttpClient;
  let startMs: number;
  /** Position in the HelmRelease event stream (replayed from the first write) where each release first turned Ready. */
  const readySeenAt = new Map<string, number>();
  let events = 0;
  let stopWatch: () => void = () => {};

  before(async () => {
    const t0 = Date.now();
    sim = await startSim({ kit: kit48, modules: [], faults: [] });
    startMs = Date.now() - t0;
    primary = new RegionClient(sim.target.regions[0]);
    secondary = new RegionClient(sim.target.regions[1]);
    http = new HttpClient(sim.target);
    // Watching from the store's first version replays every status write in order, however late the client connects.
    const abort = await new Watch(primary.kc).watch('/apis/helm.toolkit.fluxcd.io/v2/namespaces/flux-system/helmreleases', { resourceVersion: '1' }, (_type, hr: KubeObject) => {
      events++;
      if (ready(hr) && !readySeenAt.has(hr.metadata.name)) readySeenAt.set(hr.metadata.name, events);
    }, () => {});
    stopWatch = () => abort.abort();
  });

  after(async () => {
    stopWatch();
    await http.close();
    await sim.stop();
  });

  test('starts fast and returns a target that names the sim PKI, regions and front door', async () => {
    assert.ok(startMs < 1500, `startSim took ${startMs} ms`);
    const t = sim.target;
    assert.equal(t.kind, 'sim');
    assert.equal(t.sovereign, 'sim.sovereign-walk.test');
    assert.equal(t.poolDomain, 'homes.sovereign-walk.test');
    assert.deepEqual(t.regions.map((r) => [r.name, r.role]), [['hz-fsn-rtz-prod', 'primary'], ['hz-hel-rtz-prod', 'secondary']]);
    assert.ok(t.regions.every((r) => existsSync(r.kubeconfigPath)), 'a kubeconfig file is missing');
    assert.ok(t.caFile && existsSync(t.caFile), `CA file ${t.caFile} missing`);
    assert.deepEqual(t.resolve.map((r) => r.host), ['*.sim.sovereign-walk.test', 'sim.sovereign-walk.test', '*.homes.sovereign-walk.test']);
    assert.ok(t.resolve.every((r) => r.port === 443 && r.address === '127.0.0.1' && r.targetPort === sim.ctx.web.port), JSON.stringify(t.resolve));
    assert.deepEqual(t.tls, { issuerMustMatch: 'sovereign-walk sim CA', issuerMustNotMatch: 'STAGING|Fake' });
    const cert = await http.peerCertificate('https://console.sim.sovereign-walk.test/');
    assert.ok(cert.authorized && /sovereign-walk sim CA/.test(cert.issuer), cert.issuer);
    assert.equal((await primary.list('nodes')).items.length, 4);
  });

  test('every HelmRelease becomes Ready, each after all of its dependencies', async () => {
    const hrs = await waitFor('48 Ready HelmReleases', () => allHrsReady(primary, 48));
    const byName = new Map(hrs.map((h) => [h.metadata.name, h]));
    await waitFor('the watch to see all 48 Ready', () => readySeenAt.size === 48);
    for (const slot of kit48.slots) {
      const hr = byName.get(slot.name);
      assert.ok(hr, slot.name);
      assert.equal(hr.metadata.labels?.['catalyst.openova.io/slot'], slot.slot);
      assert.equal(hr.metadata.labels?.['catalyst.openova.io/region-role'], 'primary');
      const spec = hr.spec as { dependsOn: { name: string; namespace: string }[]; install: { disableWait: boolean }; chart: { spec: { sourceRef: { kind: string; name: string } } } };
      assert.deepEqual(spec.dependsOn, slot.dependsOn.map((name) => ({ name, namespace: 'flux-system' })));
      assert.equal(spec.install.disableWait, true);
      assert.deepEqual(spec.chart.spec.sourceRef.kind, 'HelmRepository');
      const readyCond = condition(hr, 'Ready');
      assert.equal(readyCond?.reason, 'InstallSucceeded');
      assert.match(readyCond?.message ?? '', new RegExp(`^Helm install succeeded for release flux-system/${slot.name}\\.v1 with chart ${slot.name}@`));
      assert.equal(condition(hr, 'Released')?.status, 'True');
      assert.equal(condition(hr, 'Reconciling'), undefined);
      assert.equal(readyCond?.observedGeneration, 1);
      assert.equal((hr.status?.history as unknown[]).length, 1);
      for (const dep of slot.dependsOn) {
        const depReady = condition(byName.get(dep), 'Ready');
        assert.ok(Date.parse(readyCond?.lastTransitionTime ?? '') >= Date.parse(depReady?.lastTransitionTime ?? ''), `${slot.name} Ready before ${dep}`);
        assert.ok((readySeenAt.get(slot.name) ?? 0) > (readySeenAt.get(dep) ?? Infinity), `${slot.name} turned Ready before ${dep}`);
      }
    }
    assert.ok(events > 3 * 48, `only ${events} HelmRelease events: the releases did not progress through their states`);
  });

  test('every kit surface answers on the primary region once its release is Ready', async () => {
    await waitFor('48 Ready HelmReleases', () => allHrsReady(primary, 48));
    const failing = await waitFor(
      'all 48 surfaces to pass',
      async () => {
        const bad: string[] = [];
        for (const slot of kit48.slots) if (slot.surface && !(await surfacePasses(slot.surface, new RegionClient(sim.target.regions[0]), http, sim.target.sovereign))) bad.push(slot.name);
        return bad.length === 0 ? bad : undefined;
      },
      10_000,
      200,
    );
    assert.deepEqual(failing, []);
    const x = await http.request('https://console.sim.sovereign-walk.test/healthz');
    assert.equal(x.response?.status, 200);
    const unknown = await http.request('https://nothing-here.sim.sovereign-walk.test/');
    assert.equal(unknown.response?.status, 421);
    const cilium = await primary.get('daemonsets.apps', 'kube-system', 'cilium');
    assert.deepEqual(
      [cilium?.status?.desiredNumberScheduled, cilium?.status?.numberReady, cilium?.status?.updatedNumberScheduled, cilium?.status?.observedGeneration],
      [4, 4, 4, 1],
    );
    const pods = await primary.list('pods', { namespace: 'kube-system', labelSelector: 'app.kubernetes.io/name=cilium' });
    assert.equal(pods.items.length, 4);
    assert.ok(pods.items.every((p) => condition(p, 'Ready')?.status === 'True' && p.status?.phase === 'Running'));
  });

  test('the secondary region walks the same kit with region-role secondary', async () => {
    const hrs = await waitFor('48 Ready HelmReleases in the secondary', () => allHrsReady(secondary, 48));
    assert.ok(hrs.every((h) => h.metadata.labels?.['catalyst.openova.io/region-role'] === 'secondary'), 'a secondary release is not labelled secondary');
    assert.equal((await secondary.list('nodes')).items.filter((n) => condition(n, 'Ready')?.status === 'True').length, 4);
    assert.match((await secondary.list('nodes')).items[0].metadata.name, /^hel-/);
  });

  test('the cut-over Flux sources, Kustomizations and Gateways are Ready', async () => {
    const repos = (await primary.list('helmrepositories.source.toolkit.fluxcd.io', { namespace: 'flux-system' })).items;
    assert.equal(repos.length, 49);
    assert.ok(repos.every((r) => (r.spec as { url: string }).url === 'oci://registry.sim.sovereign-walk.test/openova-io' && (r.spec as { type: string }).type === 'oci'), 'a HelmRepository is not repointed to the Sovereign registry');
    await waitFor('Ready sources', async () => (await primary.list('helmrepositories.source.toolkit.fluxcd.io', { namespace: 'flux-system' })).items.every(ready));
    const git = await primary.get('gitrepositories.source.toolkit.fluxcd.io', 'flux-system', 'openova');
    assert.equal((git?.spec as { url: string }).url, 'http://gitea-http.gitea.svc.cluster.local:3000/openova/openova.git');
    assert.equal(condition(git, 'Ready')?.reason, 'Succeeded');
    assert.match(String((git?.status?.artifact as { revision: string }).revision), /^main@sha1:[0-9a-f]{40}$/);
    for (const name of ['bootstrap-kit', 'sovereign-tls', 'org-tenants']) {
      const ks = await waitFor(`Kustomization ${name}`, async () => {
        const o = await primary.get('kustomizations.kustomize.toolkit.fluxcd.io', 'flux-system', name);
        return ready(o) ? o : undefined;
      });
      assert.match(condition(ks, 'Ready')?.message ?? '', /^Applied revision: main@sha1:/);
    }
    for (const name of ['cilium-gateway', 'cilium-gateway-console']) {
      assert.equal(condition(await primary.get('gateways.gateway.networking.k8s.io', 'kube-system', name), 'Programmed')?.status, 'True');
    }
  });

  test("Debian's kubectl lists, reads and waits on HelmReleases", async () => {
    const kc = sim.target.regions[0].kubeconfigPath;
    const list = await run(KUBECTL, ['--kubeconfig', kc, 'get', 'helmreleases', '-A']);
    assert.match(list.stdout, /^NAMESPACE\s+NAME\s+AGE\s+READY\s+STATUS/);
    assert.match(list.stdout, /flux-system\s+bp-cilium\s+\S+\s+True\s+Helm install succeeded/);
    const conds = await run(KUBECTL, ['--kubeconfig', kc, 'get', 'hr', '-n', 'flux-system', 'bp-cilium', '-o', 'jsonpath={.status.conditions}']);
    const parsed = JSON.parse(conds.stdout) as { type: string; status: string }[];
    assert.ok(parsed.some((c) => c.type === 'Ready' && c.status === 'True'), conds.stdout);
    const wait = await run(KUBECTL, ['--kubeconfig', kc, 'wait', '--for=condition=Ready', 'hr/bp-cilium', '-n', 'flux-system', '--timeout=30s']);
    assert.match(wait.stdout, /condition met/);
  });

  test('a requestedAt annotation is handled and a spec change is released again', async () => {
    await waitFor('bp-reloader Ready', async () => ready(await primary.get(HR, 'flux-system', 'bp-reloader')));
    const stamp = new Date().toISOString();
    const annotate = { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': stamp } } };
    await primary.mergePatch(HR, 'flux-system', 'bp-reloader', annotate);
    await primary.mergePatch('gitrepositories.source.toolkit.fluxcd.io', 'flux-system', 'openova', annotate);
    await primary.mergePatch('kustomizations.kustomize.toolkit.fluxcd.io', 'flux-system', 'bootstrap-kit', annotate);
    for (const resource of [HR, 'gitrepositories.source.toolkit.fluxcd.io', 'kustomizations.kustomize.toolkit.fluxcd.io']) {
      const name = resource === HR ? 'bp-reloader' : resource.startsWith('git') ? 'openova' : 'bootstrap-kit';
      await waitFor(`${resource} ${name} handled ${stamp}`, async () => (await primary.get(resource, 'flux-system', name))?.status?.lastHandledReconcileAt === stamp);
    }

    await primary.mergePatch(HR, 'flux-system', 'bp-reloader', { spec: { values: { replicaCount: 2 } } });
    const upgraded = await waitFor('bp-reloader upgraded', async () => {
      const o = await primary.get(HR, 'flux-system', 'bp-reloader');
      return o?.metadata.generation === 2 && ready(o) ? o : undefined;
    });
    assert.equal(condition(upgraded, 'Ready')?.reason, 'UpgradeSucceeded');
    assert.match(condition(upgraded, 'Ready')?.message ?? '', /bp-reloader\.v2 with chart/);
    assert.deepEqual((upgraded.status?.history as { version: number }[]).map((h) => h.version), [2, 1]);
    assert.equal(upgraded.status?.lastAttemptedGeneration, 2);
    assert.equal(condition(upgraded, 'Ready')?.observedGeneration, 2);
  });

  test('an unreachable source fails its fetch, its releases go not Ready, and both recover', async () => {
    await waitFor('48 Ready HelmReleases', () => allHrsReady(primary, 48));
    sim.ctx.net.setRule((_ns, url) => !url.includes('registry.sim.sovereign-walk.test') && !url.includes('gitea-http'));
    try {
      const repo = await waitFor('bp-reloader HelmRepository to fail', async () => {
        const o = await primary.get('helmrepositories.source.toolkit.fluxcd.io', 'flux-system', 'bp-reloader');
        return condition(o, 'Ready')?.status === 'False' ? o : undefined;
      }, 6000);
      assert.equal(condition(repo, 'Ready')?.reason, 'FetchFailed');
      assert.match(condition(repo, 'Ready')?.message ?? '', /registry\.sim\.sovereign-walk\.test/);
      const git = await waitFor('the GitRepository to fail', async () => {
        const o = await primary.get('gitrepositories.source.toolkit.fluxcd.io', 'flux-system', 'openova');
        return condition(o, 'Ready')?.status === 'False' ? o : undefined;
      }, 6000);
      assert.equal(condition(git, 'Ready')?.reason, 'GitOperationFailed');
      assert.match(condition(git, 'Ready')?.message ?? '', /gitea-http\.gitea\.svc\.cluster\.local:3000/);
      const hr = await waitFor('bp-reloader to lose Ready', async () => {
        const o = await primary.get(HR, 'flux-system', 'bp-reloader');
        return condition(o, 'Ready')?.status === 'False' ? o : undefined;
      }, 6000);
      assert.equal(condition(hr, 'Ready')?.reason, 'HelmChartNotReady');
      assert.equal(condition(hr, 'Ready')?.message, "HelmChart 'flux-system/flux-system-bp-reloader' is not ready");
      // Like kustomize-controller, the Kustomization keeps applying the last artifact it has.
      assert.ok(ready(await primary.get('kustomizations.kustomize.toolkit.fluxcd.io', 'flux-system', 'bootstrap-kit')));
    } finally {
      sim.ctx.net.setRule(() => true);
    }
    await waitFor('bp-reloader Ready again', async () => ready(await primary.get(HR, 'flux-system', 'bp-reloader')), 8000);
    await waitFor('the GitRepository Ready again', async () => ready(await primary.get('gitrepositories.source.toolkit.fluxcd.io', 'flux-system', 'openova')), 8000);
  });
});

describe('sim faults', { timeout: 60_000 }, () => {
  const HR_FAULTS = { stuck: 'bp-reloader', flap: 'bp-trivy', suspended: 'bp-falco', stale: 'bp-syft-grype' };
  const SURFACE_DOWN = [
    'bp-cilium', // rollout daemonset
    'bp-nats-jetstream', // rollout statefulset
    'bp-openbao', // http-json
    'bp-cert-manager', // resource-condition (all)
    'bp-cnpg', // resource-field
    'bp-crossplane-claims', // resource-nonempty
    'bp-vpa', // api-resource-served
    'bp-coraza', // http-status behind a WAF header
    'bp-loki', // in-cluster http-text
    'bp-valkey', // exec
    'bp-livekit', // public http-text
  ];
  let sim: RunningSim;
  let rc: RegionClient;
  let http: HttpClient;
  const readyFlips: { status: string; reason?: string }[] = [];
  let stopWatch: () => void = () => {};

  before(async () => {
    const specs = [
      `hr-stuck:${HR_FAULTS.stuck}`,
      `hr-flap:${HR_FAULTS.flap}`,
      `suspended:${HR_FAULTS.suspended}`,
      `stale-generation:${HR_FAULTS.stale}`,
      ...SURFACE_DOWN.map((s) => `surface-down:${s}`),
    ];
    sim = await startSim({ kit: kit48, modules: [], faults: parseSimFaults(specs, kit48) });
    rc = new RegionClient(sim.target.regions[0]);
    http = new HttpClient(sim.target);
    const w = await rc.watch(HR, { namespace: 'flux-system', fieldSelector: `metadata.name=${HR_FAULTS.flap}` }, (_t, hr) => {
      const c = condition(hr, 'Ready');
      // Record from the first Ready=True on: before it, the release waits on its dependencies.
      if (!c || (readyFlips.length === 0 && c.status !== 'True')) return;
      if (c.status !== readyFlips[readyFlips.length - 1]?.status) readyFlips.push({ status: c.status, reason: c.reason });
    });
    stopWatch = () => w.stop();
  });

  after(async () => {
    stopWatch();
    await http.close();
    await sim.stop();
  });

  test('the faulted releases have no dependents, so nothing else may change', () => {
    const faulted = new Set(Object.values(HR_FAULTS));
    for (const slot of kit48.slots) assert.ok(!slot.dependsOn.some((d) => faulted.has(d)), `${slot.name} depends on a faulted release`);
  });

  test('each HelmRelease fault changes exactly its release', async () => {
    const others = kit48.slots.map((s) => s.name).filter((n) => !Object.values(HR_FAULTS).includes(n));
    await waitFor('every unfaulted release Ready', async () => {
      const { items } = await rc.list(HR, { namespace: 'flux-system' });
      return others.every((n) => ready(items.find((h) => h.metadata.name === n)));
    });

    const stuck = await waitFor('bp-reloader stalled', async () => {
      const o = await rc.get(HR, 'flux-system', HR_FAULTS.stuck);
      return condition(o, 'Stalled')?.status === 'True' ? o : undefined;
    });
    assert.equal(condition(stuck, 'Ready')?.status, 'False');
    assert.equal(condition(stuck, 'Ready')?.reason, 'InstallFailed');
    assert.match(condition(stuck, 'Ready')?.message ?? '', /^Helm install failed for release flux-system\/bp-reloader with chart bp-reloader@\S+: context deadline exceeded$/);
    assert.equal(condition(stuck, 'Released')?.reason, 'InstallFailed');
    assert.equal(condition(stuck, 'Stalled')?.reason, 'RetriesExceeded');

    const suspended = await rc.get(HR, 'flux-system', HR_FAULTS.suspended);
    assert.equal((suspended?.spec as { suspend?: boolean }).suspend, true);
    assert.equal(suspended?.status?.conditions, undefined);

    const stale = await waitFor('bp-syft-grype spec bumped', async () => {
      const o = await rc.get(HR, 'flux-system', HR_FAULTS.stale);
      return o?.metadata.generation === 2 ? o : undefined;
    });
    await new Promise((r) => setTimeout(r, 700));
    const still = await rc.get(HR, 'flux-system', HR_FAULTS.stale);
    assert.equal(still?.status?.observedGeneration, 1);
    assert.equal(still?.metadata.generation, 2);
    assert.equal(condition(still, 'Ready')?.status, 'True');
    assert.equal(condition(stale, 'Ready')?.observedGeneration, 1);

    await waitFor('bp-trivy to flap twice', () => readyFlips.filter((f) => f.status === 'False').length >= 2, 5000);
    assert.ok(readyFlips.filter((f) => f.status === 'True').length >= 2, JSON.stringify(readyFlips));
    assert.ok(readyFlips.filter((f) => f.status === 'False').every((f) => f.reason === 'UpgradeFailed'), JSON.stringify(readyFlips));

    const { items } = await rc.list(HR, { namespace: 'flux-system' });
    assert.ok(others.every((n) => ready(items.find((h) => h.metadata.name === n))), 'an unfaulted release lost Ready');
    assert.ok(!ready(items.find((h) => h.metadata.name === HR_FAULTS.stuck)), 'the stuck release became Ready');
  });

  test('surface-down breaks exactly the named surfaces, with their releases Ready', async () => {
    const withSurface = kit48.slots.filter((s) => s.surface && !Object.values(HR_FAULTS).includes(s.name));
    await waitFor('their releases Ready', async () => {
      const { items } = await rc.list(HR, { namespace: 'flux-system' });
      return withSurface.every((s) => ready(items.find((h) => h.metadata.name === s.name)));
    });
    const verdicts = await waitFor(
      'healthy surfaces to pass',
      async () => {
        const out = new Map<string, boolean>();
        for (const slot of withSurface) out.set(slot.name, await surfacePasses(slot.surface!, new RegionClient(sim.target.regions[0]), http, sim.target.sovereign));
        return withSurface.every((s) => SURFACE_DOWN.includes(s.name) || out.get(s.name)) ? out : undefined;
      },
      10_000,
      200,
    );
    for (const name of SURFACE_DOWN) assert.equal(verdicts.get(name), false, `${name} surface should fail`);

    const openbao = await http.request('https://bao.sim.sovereign-walk.test/v1/sys/health');
    assert.equal(openbao.response?.status, 503);
    const cilium = await rc.get('daemonsets.apps', 'kube-system', 'cilium');
    assert.equal(cilium?.status?.numberReady, 0);
    const ciliumPods = await rc.list('pods', { namespace: 'kube-system', labelSelector: 'app.kubernetes.io/name=cilium' });
    assert.ok(ciliumPods.items.length === 4 && ciliumPods.items.every((p) => JSON.stringify(p.status?.containerStatuses).includes('CrashLoopBackOff')), 'cilium pods are not crash-looping');
    const issuers = await rc.list('clusterissuers.cert-manager.io');
    assert.ok(issuers.items.length > 0 && issuers.items.every((o) => condition(o, 'Ready')?.status === 'False'));
    const loki = await rc.serviceProxyGet('loki', 'loki', '3100', '/ready');
    assert.equal(loki.status, 503);
    const waf = await http.request('https://sim.sovereign-walk.test/', { headers: { 'X-Test-WAF': "1' OR 1=1 --" } });
    assert.equal(waf.response?.status, 503);
  });
});

describe('sim timing faults and other kits', { timeout: 60_000 }, () => {
  test('latency:<ms> slows every API request and slow-reconcile:<ms> every install', async () => {
    const sim = await startSim({ kit: loadKit('bootstrap-kit-2026-04-30.json'), modules: [], faults: [{ kind: 'latency', arg: '120' }, { kind: 'slow-reconcile', arg: '1500' }] });
    const started = Date.now();
    try {
      const rc = new RegionClient(sim.target.regions[0]);
      await rc.ping();
      const t0 = Date.now();
      await rc.get(HR, 'flux-system', 'bp-cilium');
      assert.ok(Date.now() - t0 >= 90, `a GET took ${Date.now() - t0} ms`);
      const cilium = await waitFor('bp-cilium Ready', async () => {
        const o = await rc.get(HR, 'flux-system', 'bp-cilium');
        return ready(o) ? o : undefined;
      }, 10_000);
      // The install of a release without dependencies starts once the sim is up and takes 1350..1650 ms.
      assert.ok(Date.now() - started >= 1350, `bp-cilium was Ready ${Date.now() - started} ms after start`);
      const took = new Date(condition(cilium, 'Ready')?.lastTransitionTime ?? '').getTime() - new Date(cilium.metadata.creationTimestamp ?? '').getTime();
      assert.ok(took >= 1000, `Ready ${took} ms after creation (second precision)`);
    } finally {
      await sim.stop();
    }
  });

  test('the 2026-04-30 kit (35 slots, no surfaces) reconciles fully in both regions', async () => {
    const kit = loadKit('bootstrap-kit-2026-04-30.json');
    const sim = await startSim({ kit, modules: [], faults: [] });
    try {
      for (const region of sim.target.regions) {
        const rc = new RegionClient(region);
        const hrs = await waitFor(`35 Ready HelmReleases in ${region.name}`, () => allHrsReady(rc, 35));
        const cilium = hrs.find((h) => h.metadata.name === 'bp-cilium');
        assert.equal((cilium?.spec as { targetNamespace?: string }).targetNamespace, 'kube-system');
        assert.equal(condition(cilium, 'Ready')?.message, 'Helm install succeeded for release kube-system/bp-cilium.v1 with chart bp-cilium@1.1.1');
      }
    } finally {
      await sim.stop();
    }
  });
});

describe('a kit the sim has never seen', { timeout: 60_000 }, () => {
  const ready = (name: string) => ({ kind: 'helmrelease-ready' as const, namespace: 'flux-system', name });
  const kit: Kit = {
    sovPlaceholder: '<sov>',
    slots: [
      { slot: '01', name: 'bp-alpha', dependsOn: [], ready: ready('bp-alpha'), surface: { kind: 'resource-exists', resource: 'configmaps', namespace: 'alpha', name: 'alpha-status' } },
      { slot: '02', name: 'bp-beta', dependsOn: ['bp-alpha'], ready: ready('bp-beta'), surface: { kind: 'resource-condition', resource: 'widgets.example.io', namespace: 'beta', condition: 'Synced', status: 'True' } },
      { slot: '03', name: 'bp-gamma', dependsOn: ['bp-beta'], ready: ready('bp-gamma'), surface: { kind: 'exec', namespace: 'gamma', target: 'sts/gamma-db', command: ['pg_isready', '-q'], expectStdout: 'accepting connections' } },
      { slot: '04', name: 'bp-delta', dependsOn: [], ready: ready('bp-delta'), surface: { kind: 'api-resource-served', resource: 'gizmos.example.io' } },
      { slot: '05', name: 'bp-epsilon', dependsOn: ['bp-delta'], ready: ready('bp-epsilon'), surface: { kind: 'resource-nonempty', resource: 'gizmos.example.io', namespace: 'epsilon' } },
      { slot: '06', name: 'bp-zeta', dependsOn: [], ready: ready('bp-zeta'), surface: { kind: 'http-json', url: 'https://zeta.<sov>/api/v1/status', expect: { state: 'up' }, expectPath: 'nodes[0].name' } },
      { slot: '07', name: 'bp-eta', dependsOn: ['bp-zeta'], ready: ready('bp-eta'), surface: { kind: 'http-status', url: 'http://eta.eta-system.svc.cluster.local:9090/-/healthy', expect: [200, 204], inCluster: true } },
      { slot: '08', name: 'bp-theta', dependsOn: ['bp-eta'], ready: ready('bp-theta') },
    ],
  };

  test('installs every surface generically from the checks, and surface-down breaks only the named one', async () => {
    const sim = await startSim({ kit, modules: [], faults: parseSimFaults(['surface-down:bp-alpha'], kit) });
    const http = new HttpClient(sim.target);
    try {
      const rc = new RegionClient(sim.target.regions[0]);
      await waitFor('8 Ready HelmReleases', () => allHrsReady(rc, 8));
      const verdicts = await waitFor(
        'the healthy surfaces to pass',
        async () => {
          const out = new Map<string, boolean>();
          for (const slot of kit.slots) if (slot.surface) out.set(slot.name, await surfacePasses(slot.surface, new RegionClient(sim.target.regions[0]), http, sim.target.sovereign));
          return [...out].every(([name, ok]) => ok || name === 'bp-alpha') ? out : undefined;
        },
        10_000,
        200,
      );
      assert.equal(verdicts.get('bp-alpha'), false);
      assert.equal((await rc.resolve('widgets.example.io')).kind, 'Widget');
      assert.equal((await rc.resolve('gizmos.example.io')).kind, 'Gizmo');
      assert.ok(await rc.get('customresourcedefinitions.apiextensions.k8s.io', undefined, 'gizmos.example.io'));
      const zeta = await http.request('https://zeta.sim.sovereign-walk.test/api/v1/status');
      assert.deepEqual(JSON.parse(zeta.response?.body ?? '{}'), { state: 'up', nodes: [{ name: 'zeta' }] });
      assert.equal((await rc.get('statefulsets.apps', 'gamma', 'gamma-db'))?.status?.readyReplicas, 1);
    } finally {
      await http.close();
      await sim.stop();
    }
  });
});

describe('sim lifecycle', { timeout: 60_000 }, () => {
  test('stop() closes every port, removes the scratch dir, is idempotent, and a second sim starts', async () => {
    // pgrep never reports itself and exits 1 when it finds nothing; tsx's esbuild service is a child from the start.
    const children = async () => (await run('pgrep', ['-P', String(process.pid)]).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }))).stdout.trim().split('\n').filter(Boolean).sort();
    const before = await children();
    for (let round = 0; round < 2; round++) {
      const sim = await startSim({ kit: kit48, modules: [], faults: [] });
      const rc = new RegionClient(sim.target.regions[0]);
      await rc.ping();
      const ports = [...sim.target.regions.map((r) => Number(new URL(new RegionClient(r).server).port)), sim.ctx.web.port];
      await Promise.all([sim.stop(), sim.stop()]);
      await sim.stop();
      for (const port of ports) assert.ok(await portRefuses(port), `port ${port} still open`);
      assert.equal(existsSync(sim.ctx.dir), false);
    }
    assert.deepEqual(await children(), before);
  });
});

describe('parseSimFaults', () => {
  test('accepts every registered kind with a valid argument', () => {
    assert.deepEqual(parseSimFaults(['hr-stuck:bp-cilium', 'latency:50', 'surface-down:bp-vpa'], kit48), [
      { kind: 'hr-stuck', arg: 'bp-cilium' },
      { kind: 'latency', arg: '50' },
      { kind: 'surface-down', arg: 'bp-vpa' },
    ]);
    for (const kind of ['hr-stuck', 'hr-flap', 'surface-down', 'suspended', 'stale-generation', 'latency', 'slow-reconcile']) {
      const def = SIM_FAULT_KINDS.find((k) => k.kind === kind);
      assert.ok(def && def.description.length > 10, kind);
    }
  });

  test('rejects unknown kinds, slots not in the kit, missing and malformed arguments with one line', () => {
    const cases: [string, RegExp][] = [
      ['bogus:1', /unknown --sim-fault kind "bogus"/],
      ['hr-stuck:bp-nope', /"bp-nope" is not a slot of the kit/],
      ['hr-stuck', /needs an argument: hr-stuck:<slot>/],
      ['latency:fast', /not a duration in milliseconds/],
      ['slow-reconcile:0', /not a duration in milliseconds/],
    ];
    for (const [spec, message] of cases) {
      assert.throws(() => parseSimFaults([spec], kit48), (e: Error) => message.test(e.message) && !e.message.includes('\n'), spec);
    }
    assert.throws(() => parseSimFaults(['hr-stuck:bp-librechat'], loadKit('bootstrap-kit-2026-04-30.json')), /not a slot/);
  });

  test('other sim areas can register fault kinds, once', () => {
    registerFaultKinds([{ kind: 'test-only-fault', description: 'registered by the sim-world test', needsArg: false }]);
    assert.deepEqual(parseSimFaults(['test-only-fault'], kit48), [{ kind: 'test-only-fault' }]);
    assert.throws(() => parseSimFaults(['test-only-fault:x'], kit48), /takes no argument/);
    assert.throws(() => registerFaultKinds([{ kind: 'test-only-fault', description: 'again', needsArg: false }]), /registered twice/);
  });
});
