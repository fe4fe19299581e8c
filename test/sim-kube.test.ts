import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { access, constants, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  CoreV1Api,
  CustomObjectsApi,
  Exec,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { V1Status } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import {
  CONFIGMAP_TYPE,
  DEPLOYMENT_TYPE,
  NAMESPACE_TYPE,
  NODE_TYPE,
  ObjectStore,
  POD_TYPE,
  StoreError,
  createSimPki,
  issueLeaf,
  startKubeApiServer,
  writeKubeconfig,
} from '../sim/kube/index.js';
import type { KubeApiServer, KubeObject, RequestRecord, ResourceType, SimPki } from '../sim/kube/index.js';

const HR_API = 'helm.toolkit.fluxcd.io/v2';
const HR: ResourceType = {
  group: 'helm.toolkit.fluxcd.io',
  version: 'v2',
  kind: 'HelmRelease',
  plural: 'helmreleases',
  singular: 'helmrelease',
  namespaced: true,
  shortNames: ['hr'],
  hasStatus: true,
  printerColumns: [
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message' },
  ],
};
const HR_PATH = '/apis/helm.toolkit.fluxcd.io/v2/namespaces/flux-system/helmreleases';
const TOKEN = 'sim-test-token';
const KUBECTLS = [
  { label: 'debian kubectl v1.20', bin: join(import.meta.dirname, '..', '.tools', 'kubectl-debian') },
  { label: 'gcloud kubectl', bin: '/usr/bin/kubectl' },
];

function newStore(eventLogSize?: number): ObjectStore {
  const store = new ObjectStore(eventLogSize === undefined ? {} : { eventLogSize });
  for (const rt of [NAMESPACE_TYPE, POD_TYPE, CONFIGMAP_TYPE, NODE_TYPE, DEPLOYMENT_TYPE, HR]) store.registerType(rt);
  return store;
}

function obj(apiVersion: string, kind: string, name: string, namespace?: string, rest: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...rest } as unknown as KubeObject;
}

function helmRelease(name: string, spec: Record<string, unknown> = { chart: { spec: { chart: name } } }): KubeObject {
  return obj(HR_API, 'HelmRelease', name, 'flux-system', { spec });
}

function setReady(store: ObjectStore, name: string, status: 'True' | 'False', message: string): void {
  store.updateStatus(HR_API, 'HelmRelease', 'flux-system', name, (o) => {
    o.status = { conditions: [{ type: 'Ready', status, reason: status === 'True' ? 'InstallSucceeded' : 'Progressing', message }] };
  }, 'helm-controller');
}

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(
  server: KubeApiServer,
  ca: string,
  method: string,
  path: string,
  opts: { token?: string | null; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const token = opts.token === undefined ? TOKEN : opts.token;
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, server.url),
      {
        method,
        ca,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(bin: string, args: string[]): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(bin, args, { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

let dir: string;
let pki: SimPki;
let pkiMs: number;
let store: ObjectStore;
let server: KubeApiServer;
let kubeconfigPath: string;
let kc: KubeConfig;
const requests: RequestRecord[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sim-kube-'));
  const t0 = Date.now();
  pki = await createSimPki(join(dir, 'pki'), ['*.sim.openova.test', 'api.sim.openova.test']);
  pkiMs = Date.now() - t0;
  store = newStore();
  for (const ns of ['default', 'flux-system', 'monitoring']) store.create(obj('v1', 'Namespace', ns));
  store.create(helmRelease('bp-cilium'));
  setReady(store, 'bp-cilium', 'False', 'Helm install in progress');
  server = await startKubeApiServer({
    store,
    token: TOKEN,
    tls: { cert: pki.certPem, key: pki.keyPem },
    onRequest: (r) => requests.push(r),
  });
  kubeconfigPath = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, { clusterName: 'sim-eu', server: server.url, caPem: pki.caPem, token: TOKEN, namespace: 'flux-system' });
  kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
});

after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('tls and kubeconfig', () => {
  it('creates a CA and a server certificate for loopback and the given names', (t) => {
    t.diagnostic(`PKI generation took ${pkiMs} ms`);
    const ca = new X509Certificate(pki.caPem);
    const leaf = new X509Certificate(pki.certPem);
    assert.match(ca.subject, /CN=sovereign-walk sim CA/);
    assert.equal(ca.ca, true);
    assert.ok(leaf.verify(ca.publicKey));
    assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(leaf.checkHost('localhost'), 'localhost');
    assert.ok(leaf.checkHost('grafana.sim.openova.test'));
    assert.ok(leaf.checkHost('api.sim.openova.test'));
  });

  it('mints leaves from a differently named CA on request', async () => {
    const staging = await issueLeaf(pki.ca, ['console.sim.openova.test'], { issuerCN: "(STAGING) Let's Encrypt" });
    const leaf = new X509Certificate(staging.certPem);
    assert.match(leaf.issuer, /CN=\(STAGING\) Let's Encrypt/);
    assert.ok(leaf.verify(new X509Certificate(staging.caPem).publicKey));
    assert.equal(leaf.verify(new X509Certificate(pki.caPem).publicKey), false);
    const own = await issueLeaf(pki.ca, ['console.sim.openova.test']);
    assert.ok(new X509Certificate(own.certPem).verify(new X509Certificate(pki.caPem).publicKey));
  });

  it('writes a 0600 kubeconfig with an embedded CA and the context selected', async () => {
    assert.equal((await stat(kubeconfigPath)).mode & 0o777, 0o600);
    const config = parseYaml(await readFile(kubeconfigPath, 'utf8')) as {
      'current-context': string;
      clusters: { name: string; cluster: { 'certificate-authority-data': string } }[];
      contexts: { name: string; context: { namespace: string } }[];
    };
    assert.equal(config['current-context'], 'sim-eu');
    assert.equal(Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), pki.caPem);
    assert.equal(config.contexts[0].context.namespace, 'flux-system');
  });
});

describe('object store', () => {
  it('bumps generation only on spec changes and ignores status written through update', () => {
    const s = newStore();
    s.create(obj('v1', 'Namespace', 'flux-system'));
    const created = s.create(helmRelease('gen', { interval: '1m' }));
    assert.equal(created.metadata.generation, 1);
    assert.match(created.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(created.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const labelled = s.mutate(HR_API, 'HelmRelease', 'flux-system', 'gen', (o) => {
      o.metadata.labels = { team: 'platform' };
    });
    assert.equal(labelled.metadata.generation, 1);
    assert.ok(Number(labelled.metadata.resourceVersion) > Number(created.metadata.resourceVersion));

    const respec = s.mutate(HR_API, 'HelmRelease', 'flux-system', 'gen', (o) => {
      o.spec = { interval: '5m' };
      o.status = { sneaky: true };
    });
    assert.equal(respec.metadata.generation, 2);
    assert.equal(respec.status, undefined);

    const withStatus = s.updateStatus(HR_API, 'HelmRelease', 'flux-system', 'gen', (o) => {
      o.status = { observedGeneration: 2 };
    }, 'helm-controller');
    assert.equal(withStatus.metadata.generation, 2);
    assert.deepEqual(withStatus.status, { observedGeneration: 2 });
    const statusEntry = withStatus.metadata.managedFields?.find((e) => e.manager === 'helm-controller');
    assert.equal(statusEntry?.subresource, 'status');
    assert.equal(statusEntry?.operation, 'Update');

    const noop = s.mutate(HR_API, 'HelmRelease', 'flux-system', 'gen', () => {});
    assert.equal(noop.metadata.resourceVersion, withStatus.metadata.resourceVersion);
  });

  it('enforces optimistic concurrency, uniqueness and existing namespaces', () => {
    const s = newStore();
    s.create(obj('v1', 'Namespace', 'flux-system'));
    const first = s.create(helmRelease('occ'));
    s.mutate(HR_API, 'HelmRelease', 'flux-system', 'occ', (o) => {
      o.spec = { changed: true };
    });
    assert.throws(() => s.update({ ...first, spec: { stale: true } }), (e: unknown) => e instanceof StoreError && e.code === 409 && e.reason === 'Conflict');
    assert.throws(() => s.create(helmRelease('occ')), (e: unknown) => e instanceof StoreError && e.code === 409 && e.reason === 'AlreadyExists');
    assert.throws(
      () => s.create(obj('v1', 'ConfigMap', 'cm', 'nowhere')),
      (e: unknown) => e instanceof StoreError && e.code === 404 && e.message === 'namespaces "nowhere" not found',
    );
    assert.throws(() => s.create(obj('v1', 'ConfigMap', '', 'flux-system')), (e: unknown) => e instanceof StoreError && e.code === 422);
    assert.equal(s.delete(HR_API, 'HelmRelease', 'flux-system', 'occ')?.metadata.name, 'occ');
    assert.equal(s.get(HR_API, 'HelmRelease', 'flux-system', 'occ'), undefined);
    assert.equal(s.delete(HR_API, 'HelmRelease', 'flux-system', 'occ'), undefined);
  });

  it('delivers in-process watch events in commit order even when a handler writes', () => {
    const s = newStore();
    s.create(obj('v1', 'Namespace', 'flux-system'));
    const seen: string[][] = [[], []];
    s.watch(HR_API, 'HelmRelease', (type, o) => {
      seen[0].push(`${type}:${o.metadata.name}:${o.metadata.resourceVersion}`);
      if (type === 'ADDED') setReady(s, o.metadata.name, 'True', 'ok');
    });
    const stop = s.watch(HR_API, 'HelmRelease', (type, o) => seen[1].push(`${type}:${o.metadata.name}:${o.metadata.resourceVersion}`), { namespace: 'flux-system' });
    s.create(helmRelease('chain'));
    assert.deepEqual(seen[0], seen[1]);
    assert.deepEqual(seen[0].map((e) => e.split(':').slice(0, 2).join(':')), ['ADDED:chain', 'MODIFIED:chain']);
    stop();
    s.delete(HR_API, 'HelmRelease', 'flux-system', 'chain');
    assert.equal(seen[1].length, 2);
    assert.equal(seen[0].at(-1)?.split(':')[0], 'DELETED');
  });
});

describe('API server over HTTPS with client-node', () => {
  it('serves discovery and health, and requires the bearer token', async () => {
    assert.equal((await raw(server, pki.caPem, 'GET', '/healthz', { token: null })).body, 'ok');
    const version = JSON.parse((await raw(server, pki.caPem, 'GET', '/version', { token: null })).body) as { gitVersion: string };
    assert.equal(version.gitVersion, 'v1.30.0+sim');
    const denied = await raw(server, pki.caPem, 'GET', '/api/v1/namespaces', { token: null });
    assert.equal(denied.status, 401);
    assert.equal((JSON.parse(denied.body) as { reason: string }).reason, 'Unauthorized');
    assert.equal((await raw(server, pki.caPem, 'GET', '/api/v1/namespaces', { token: 'wrong' })).status, 401);

    const groups = JSON.parse((await raw(server, pki.caPem, 'GET', '/apis')).body) as {
      groups: { name: string; preferredVersion: { version: string } }[];
    };
    assert.deepEqual(groups.groups.map((g) => g.name), ['apps', 'helm.toolkit.fluxcd.io']);
    const core = JSON.parse((await raw(server, pki.caPem, 'GET', '/api/v1')).body) as { resources: { name: string }[] };
    assert.ok(core.resources.some((r) => r.name === 'pods/exec'));
    const hr = JSON.parse((await raw(server, pki.caPem, 'GET', '/apis/helm.toolkit.fluxcd.io/v2')).body) as {
      resources: { name: string; shortNames?: string[]; verbs: string[] }[];
    };
    assert.deepEqual(hr.resources.map((r) => r.name), ['helmreleases', 'helmreleases/status']);
    assert.deepEqual(hr.resources[0].shortNames, ['hr']);
    assert.ok(hr.resources[0].verbs.includes('watch'));
  });

  it('lists, gets and patches custom objects; CoreV1Api lists namespaces', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const ref = { group: HR.group, version: HR.version, namespace: 'flux-system', plural: HR.plural };
    const list = (await custom.listNamespacedCustomObject(ref)) as { kind: string; metadata: { resourceVersion: string }; items: KubeObject[] };
    assert.equal(list.kind, 'HelmReleaseList');
    assert.equal(list.metadata.resourceVersion, store.currentResourceVersion());
    assert.ok(list.items.some((i) => i.metadata.name === 'bp-cilium'));

    const got = (await custom.getNamespacedCustomObject({ ...ref, name: 'bp-cilium' })) as KubeObject;
    assert.equal(got.metadata.generation, 1);

    const patched = (await custom.patchNamespacedCustomObject(
      { ...ref, name: 'bp-cilium', body: { spec: { interval: '10m' } }, fieldManager: 'walk-test' },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as KubeObject & { spec: Record<string, unknown> };
    assert.equal(patched.spec.interval, '10m');
    assert.ok(patched.spec.chart, 'merge patch keeps untouched fields');
    assert.equal(patched.metadata.generation, 2);
    assert.ok(patched.metadata.managedFields?.some((e) => e.manager === 'walk-test' && e.operation === 'Update'));

    const jsonPatched = (await custom.patchNamespacedCustomObject(
      { ...ref, name: 'bp-cilium', body: [{ op: 'replace', path: '/spec/interval', value: '15m' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )) as KubeObject & { spec: Record<string, unknown> };
    assert.equal(jsonPatched.spec.interval, '15m');
    assert.equal(jsonPatched.metadata.generation, 3);

    await assert.rejects(
      custom.patchNamespacedCustomObject(
        { ...ref, name: 'bp-cilium', body: [{ op: 'test', path: '/spec/interval', value: 'nope' }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
      (e: unknown) => (e as { code?: number }).code === 422,
    );

    const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace();
    assert.deepEqual(namespaces.items.map((n) => n.metadata?.name), ['default', 'flux-system', 'monitoring']);
  });

  it('server-side applies, writes status through the subresource and deletes', async () => {
    const path = `${HR_PATH}/applied?fieldManager=flux-walk`;
    const apply = (body: string) => raw(server, pki.caPem, 'PATCH', path, { headers: { 'Content-Type': 'application/apply-patch+yaml' }, body });
    const created = await apply('apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: applied\nspec:\n  interval: 1m\n');
    assert.equal(created.status, 201);
    const reapplied = JSON.parse((await apply('spec:\n  interval: 2m\n')).body) as KubeObject & { spec: { interval: string } };
    assert.equal(reapplied.spec.interval, '2m');
    assert.equal(reapplied.metadata.generation, 2);
    assert.deepEqual(reapplied.metadata.managedFields?.map((e) => [e.manager, e.operation]), [['flux-walk', 'Apply']]);

    const status = await raw(server, pki.caPem, 'PATCH', `${HR_PATH}/applied/status`, {
      headers: { 'Content-Type': 'application/merge-patch+json', 'User-Agent': 'helm-controller/v1.0.0' },
      body: JSON.stringify({ status: { observedGeneration: 2 } }),
    });
    const afterStatus = JSON.parse(status.body) as KubeObject;
    assert.equal(afterStatus.metadata.generation, 2);
    assert.deepEqual(afterStatus.status, { observedGeneration: 2 });
    assert.ok(afterStatus.metadata.managedFields?.some((e) => e.manager === 'helm-controller' && e.subresource === 'status'));

    const stale = await raw(server, pki.caPem, 'PUT', `${HR_PATH}/applied`, {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...(JSON.parse(created.body) as KubeObject), spec: { interval: '9m' } }),
    });
    assert.equal(stale.status, 409);

    const dry = await raw(server, pki.caPem, 'DELETE', `${HR_PATH}/applied?dryRun=All`);
    assert.equal(dry.status, 200);
    assert.ok(store.get(HR_API, 'HelmRelease', 'flux-system', 'applied'));
    assert.equal((await raw(server, pki.caPem, 'DELETE', `${HR_PATH}/applied`)).status, 200);
    const gone = await raw(server, pki.caPem, 'GET', `${HR_PATH}/applied`);
    assert.equal(gone.status, 404);
    assert.deepEqual(JSON.parse(gone.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'helmreleases.helm.toolkit.fluxcd.io "applied" not found',
      reason: 'NotFound',
      details: { name: 'applied', group: 'helm.toolkit.fluxcd.io', kind: 'helmreleases' },
      code: 404,
    });
  });

  it('filters lists by label and field selectors', async () => {
    const cm = (name: string, labels: Record<string, string>) =>
      store.create(obj('v1', 'ConfigMap', name, 'default', { metadata: { name, namespace: 'default', labels }, data: { owner: name } }));
    cm('cm-a', { app: 'web', tier: 'front' });
    cm('cm-b', { app: 'web', tier: 'back' });
    cm('cm-c', { app: 'db' });
    cm('cm-d', {});
    const core = kc.makeApiClient(CoreV1Api);
    const names = async (q: { labelSelector?: string; fieldSelector?: string }) =>
      (await core.listNamespacedConfigMap({ namespace: 'default', ...q })).items.map((i) => i.metadata?.name);
    assert.deepEqual(await names({ labelSelector: 'app=web' }), ['cm-a', 'cm-b']);
    assert.deepEqual(await names({ labelSelector: 'app==web,tier=front' }), ['cm-a']);
    assert.deepEqual(await names({ labelSelector: 'app!=web' }), ['cm-c', 'cm-d']);
    assert.deepEqual(await names({ labelSelector: 'tier in (front, back)' }), ['cm-a', 'cm-b']);
    assert.deepEqual(await names({ labelSelector: 'tier notin (front)' }), ['cm-b', 'cm-c', 'cm-d']);
    assert.deepEqual(await names({ labelSelector: 'app' }), ['cm-a', 'cm-b', 'cm-c']);
    assert.deepEqual(await names({ labelSelector: '!app' }), ['cm-d']);
    assert.deepEqual(await names({ fieldSelector: 'metadata.name=cm-b' }), ['cm-b']);
    assert.deepEqual(await names({ fieldSelector: 'metadata.namespace==default,metadata.name!=cm-a,data.owner!=cm-d' }), ['cm-b', 'cm-c']);
    const bad = await raw(server, pki.caPem, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=a%20in%20x');
    assert.equal(bad.status, 400);

    const page1 = await core.listNamespacedConfigMap({ namespace: 'default', limit: 3 });
    assert.equal(page1.items.length, 3);
    const page2 = await core.listNamespacedConfigMap({ namespace: 'default', limit: 3, _continue: page1.metadata?._continue });
    assert.deepEqual(page2.items.map((i) => i.metadata?.name), ['cm-d']);
  });

  it('streams watch events, resumes from a resourceVersion and reports 410 for compacted ones', async () => {
    const watch = new Watch(kc);
    const events: { type: string; name: string; rv: number }[] = [];
    const record = (type: string, o: KubeObject) => events.push({ type, name: o.metadata.name, rv: Number(o.metadata.resourceVersion) });
    const live = await watch.watch(HR_PATH, { fieldSelector: 'metadata.name=watched' }, record, () => {});
    await new Promise((r) => setTimeout(r, 100));
    store.create(helmRelease('watched'));
    store.mutate(HR_API, 'HelmRelease', 'flux-system', 'watched', (o) => {
      o.spec = { interval: '3m' };
    });
    await until('ADDED and MODIFIED', () => events.length >= 2);
    live.abort();
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED']);
    assert.ok(events[1].rv > events[0].rv);

    const resumed: string[] = [];
    const again = await watch.watch(HR_PATH, { resourceVersion: String(events[0].rv), fieldSelector: 'metadata.name=watched' }, (type) => resumed.push(type), () => {});
    await until('replayed MODIFIED', () => resumed.length >= 1);
    store.delete(HR_API, 'HelmRelease', 'flux-system', 'watched');
    await until('DELETED', () => resumed.length >= 2);
    again.abort();
    assert.deepEqual(resumed, ['MODIFIED', 'DELETED']);

    const small = newStore(3);
    small.create(obj('v1', 'Namespace', 'flux-system'));
    for (let i = 0; i < 5; i++) small.create(helmRelease(`hr-${i}`));
    const smallServer = await startKubeApiServer({ store: small, token: TOKEN, tls: { cert: pki.certPem, key: pki.keyPem } });
    try {
      const smallKc = new KubeConfig();
      smallKc.loadFromOptions({
        clusters: [{ name: 'small', server: smallServer.url, caData: Buffer.from(pki.caPem).toString('base64') }],
        users: [{ name: 'u', token: TOKEN }],
        contexts: [{ name: 'small', cluster: 'small', user: 'u' }],
        currentContext: 'small',
      });
      const errors: { type: string; code: number; reason: string }[] = [];
      await new Watch(smallKc).watch(HR_PATH, { resourceVersion: '1' }, (type, o: { code: number; reason: string }) => errors.push({ type, ...o }), () => {});
      await until('ERROR event', () => errors.length > 0);
      assert.deepEqual(errors.map(({ type, code, reason }) => ({ type, code, reason })), [{ type: 'ERROR', code: 410, reason: 'Expired' }]);

      let ended = false;
      await new Watch(smallKc).watch(HR_PATH, {}, () => {}, () => {
        ended = true;
      });
      await new Promise((r) => setTimeout(r, 100));
      await smallServer.close();
      await until('watch ended by server close', () => ended);
    } finally {
      await smallServer.close();
    }
  });

  it('returns a meta.k8s.io Table when asked', async () => {
    const res = await raw(server, pki.caPem, 'GET', `${HR_PATH}?includeObject=Object`, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const table = JSON.parse(res.body) as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: KubeObject }[] };
    assert.equal(table.kind, 'Table');
    assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Age', 'Ready', 'Status']);
    const row = table.rows.find((r) => r.cells[0] === 'bp-cilium');
    assert.deepEqual(row?.cells.slice(2), ['False', 'Helm install in progress']);
    assert.match(String(row?.cells[1]), /^\d+s$/);
    assert.equal(row?.object.kind, 'HelmRelease');
  });

  it('runs exec through the handler over the v4/v5 websocket protocol', async () => {
    store.create(obj('v1', 'Pod', 'postgres-0', 'default', { spec: { containers: [{ name: 'postgres' }] } }));
    const noHandler = await raw(server, pki.caPem, 'GET', '/api/v1/namespaces/default/pods/postgres-0/exec?command=true', {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    assert.equal(noHandler.status, 404);

    const calls: unknown[] = [];
    server.setExecHandler(async (req) => {
      calls.push(req);
      const exitCode = req.command[0] === 'false' ? 3 : 0;
      return { stdout: `${req.command.slice(1).join(' ')}\n`, stderr: exitCode ? 'boom\n' : '', exitCode };
    });
    const execOnce = async (command: string[]) => {
      const out = new PassThrough();
      const err = new PassThrough();
      const chunks: string[] = [];
      const errChunks: string[] = [];
      out.on('data', (c: Buffer) => chunks.push(c.toString()));
      err.on('data', (c: Buffer) => errChunks.push(c.toString()));
      const status = await new Promise<V1Status>((resolve, reject) => {
        new Exec(kc).exec('default', 'postgres-0', 'postgres', command, out, err, null, false, resolve).catch(reject);
      });
      return { status, stdout: chunks.join(''), stderr: errChunks.join('') };
    };
    const ok = await execOnce(['echo', 'select', '1']);
    assert.equal(ok.stdout, 'select 1\n');
    assert.equal(ok.status.status, 'Success');
    assert.deepEqual(calls[0], { namespace: 'default', pod: 'postgres-0', container: 'postgres', command: ['echo', 'select', '1'] });
    const failed = await execOnce(['false', 'x']);
    assert.equal(failed.status.status, 'Failure');
    assert.equal(failed.status.reason, 'NonZeroExitCode');
    assert.equal(failed.status.details?.causes?.[0]?.message, '3');
    assert.equal(failed.stderr, 'boom\n');
  });

  it('proxies to services through the handler', async () => {
    const path = '/api/v1/namespaces/monitoring/services/grafana:3000/proxy/api/health?verbose=1';
    assert.equal((await raw(server, pki.caPem, 'GET', path)).status, 503);
    server.setServiceProxyHandler(async (req) => ({
      status: 200,
      headers: { 'Content-Type': 'text/plain' },
      body: `${req.method} ${req.namespace}/${req.service}:${req.port} ${req.path} auth=${req.headers.authorization ?? 'none'}`,
    }));
    const res = await raw(server, pki.caPem, 'GET', path);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/plain');
    assert.equal(res.body, 'GET monitoring/grafana:3000 /api/health?verbose=1 auth=none');
  });

  it('drops every connection while unavailable and adds latency on request', async () => {
    server.setAvailable(false);
    await assert.rejects(raw(server, pki.caPem, 'GET', '/healthz'), (e: unknown) => /ECONNRESET|socket hang up/.test(String(e)));
    await assert.rejects(kc.makeApiClient(CoreV1Api).listNamespace());
    server.setAvailable(true);
    server.setLatency(() => 150);
    const started = Date.now();
    assert.equal((await raw(server, pki.caPem, 'GET', '/healthz')).status, 200);
    assert.ok(Date.now() - started >= 150);
    server.setLatency(() => 0);
  });
});

describe('kubectl against the sim', () => {
  for (const { label, bin } of KUBECTLS) {
    it(`${label}: get, jsonpath, patch, apply and wait`, async (t) => {
      await access(bin, constants.X_OK);
      const cacheDir = await mkdtemp(join(dir, 'kubectl-cache-'));
      const kubectl = (...args: string[]) => run(bin, ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args]);
      const name = `bp-${label.split(' ')[0]}`;
      store.create(helmRelease(name));
      setReady(store, name, 'False', 'Helm install in progress');
      const since = requests.length;

      const all = await kubectl('get', 'helmreleases', '-A');
      assert.equal(all.code, 0, all.stderr);
      assert.match(all.stdout, /^NAMESPACE\s+NAME\s+AGE\s+READY\s+STATUS\s*$/m);
      assert.match(all.stdout, new RegExp(`^flux-system\\s+${name}\\s+\\d+s\\s+False\\s+Helm install in progress\\s*$`, 'm'));

      const short = await kubectl('get', 'hr');
      assert.equal(short.code, 0, short.stderr);
      assert.match(short.stdout, /^NAME\s+AGE\s+READY\s+STATUS\s*$/m);

      const conditions = await kubectl('get', 'hr', '-n', 'flux-system', name, '-o', 'jsonpath={.status.conditions}');
      assert.equal(conditions.code, 0, conditions.stderr);
      assert.deepEqual(JSON.parse(conditions.stdout), [
        { message: 'Helm install in progress', reason: 'Progressing', status: 'False', type: 'Ready' },
      ]);

      const patch = await kubectl('patch', 'hr', name, '-n', 'flux-system', '--type', 'merge', '-p', '{"spec":{"suspend":true}}');
      assert.equal(patch.code, 0, patch.stderr);
      const patched = store.get(HR_API, 'HelmRelease', 'flux-system', name);
      assert.equal((patched?.spec as { suspend?: boolean }).suspend, true);
      const patchRequest = requests.slice(since).find((r) => r.method === 'PATCH');
      assert.ok(patchRequest);
      const manager = new URL(patchRequest.url, server.url).searchParams.get('fieldManager') ?? patchRequest.headers['user-agent']?.split('/')[0];
      assert.ok(patched?.metadata.managedFields?.some((e) => e.manager === manager));
      assert.match(manager ?? '', /^kubectl/);

      const manifest = join(cacheDir, 'manifest.yaml');
      await writeFile(manifest, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-cm\n  namespace: flux-system\ndata:\n  k: v\n`);
      const applied = await kubectl('apply', '-f', manifest);
      assert.equal(applied.code, 0, applied.stderr);
      const serverSide = await kubectl('apply', '--server-side', '-f', manifest);
      assert.equal(serverSide.code, 0, serverSide.stderr);
      const managers = store.get('v1', 'ConfigMap', 'flux-system', `${name}-cm`)?.metadata.managedFields?.map((e) => `${e.manager}/${e.operation}`);
      assert.ok(managers?.includes('kubectl-client-side-apply/Update'), String(managers));
      assert.ok(managers?.includes('kubectl/Apply'), String(managers));

      const flip = setTimeout(() => setReady(store, name, 'True', 'Helm install succeeded'), 1000);
      const waited = await kubectl('wait', '--for=condition=Ready', `hr/${name}`, '-n', 'flux-system', '--timeout=20s');
      clearTimeout(flip);
      assert.equal(waited.code, 0, waited.stderr);
      assert.match(waited.stdout, /condition met/);
      assert.ok(waited.ms >= 900, `wait returned after ${waited.ms} ms, before Ready flipped`);

      const never = `${name}-stuck`;
      store.create(helmRelease(never));
      const timedOut = await kubectl('wait', '--for=condition=Ready', `hr/${never}`, '-n', 'flux-system', '--timeout=2s');
      assert.notEqual(timedOut.code, 0);
      assert.match(timedOut.stderr, /timed out/);

      const sent = requests.slice(since);
      const userAgents = [...new Set(sent.map((r) => r.headers['user-agent']))];
      const accepts = [...new Set(sent.map((r) => r.headers.accept))];
      t.diagnostic(`user agents: ${JSON.stringify(userAgents)}`);
      t.diagnostic(`patch: ${patchRequest.url} content-type=${patchRequest.headers['content-type']} -> manager ${manager}`);
      t.diagnostic(`accept headers: ${JSON.stringify(accepts)}`);
      t.diagnostic(`wait requests: ${JSON.stringify(sent.filter((r) => r.url.includes('watch=') || r.url.includes('fieldSelector')).map((r) => r.url))}`);
    });
  }
});
