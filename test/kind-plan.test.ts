import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { kindDownPlan, kindPlan, loadKindPlanInputs } from '../src/kind/plan.js';
import { renderKindDryRun } from '../src/kind/render.js';
import { validateManifest } from '../src/kind/schemas/index.js';
import { executeKindPlan } from '../src/kind/execute.js';
import { KIND_CHARTS, kitManifests } from '../src/kind/charts.js';
import { counterManifests } from '../src/kind/counter-app.js';
import { isCommandStep, isFileStep, planManifests, type KindPlan, type Manifest } from '../src/kind/steps.js';
import { kindTarget } from '../src/kind/target.js';
import { HOST_PORTS, KIND_REGIONS, KIND_SOVEREIGN, NODE_PORTS } from '../src/kind/topology.js';
import type { Kit } from '../src/kit/types.js';

const ROOT = new URL('..', import.meta.url).pathname;
const GOLDEN = new URL('./golden/kind/', import.meta.url).pathname;
const inputs = loadKindPlanInputs(ROOT);
const defaults = () => kindPlan({ stateDir: '.state/kind', ...inputs });

function expectGolden(file: string, actual: string): void {
  const path = `${GOLDEN}${file}`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  assert.ok(existsSync(path), `${file} has no golden file: regenerate with UPDATE_GOLDEN=1 after checking the output`);
  assert.equal(actual, readFileSync(path, 'utf8'), `${file} differs from the golden file (regenerate with UPDATE_GOLDEN=1 after checking the diff)`);
}

function manifestOf(plan: KindPlan, pick: (m: Manifest) => boolean): Manifest {
  const found = planManifests(plan).find(({ manifest }) => pick(manifest));
  assert.ok(found, 'the plan has the manifest this test mutates');
  return structuredClone(found.manifest);
}

test('the dry-run of the default plan matches the golden file', () => {
  expectGolden('plan.txt', renderKindDryRun(defaults()));
});

test('the dry-run of kind:down matches the golden file', () => {
  expectGolden('down.txt', renderKindDryRun(kindDownPlan({ stateDir: '.state/kind' })));
});

test('every manifest in the plan is valid against its schema', () => {
  const manifests = planManifests(defaults());
  assert.ok(manifests.length > 40, `expected a full plan, got ${manifests.length} manifests`);
  const kinds = new Set(manifests.map(({ manifest }) => `${manifest.apiVersion} ${manifest.kind}`));
  for (const k of ['kind.x-k8s.io/v1alpha4 Cluster', 'postgresql.cnpg.io/v1 Cluster', 'apps/v1 Deployment', 'gateway.networking.k8s.io/v1 HTTPRoute', 'v1 ConfigMap', 'v1 Namespace', 'v1 Service']) {
    assert.ok(kinds.has(k), `the plan emits ${k}`);
  }
  for (const { step, manifest } of manifests) {
    assert.deepEqual(validateManifest(manifest), [], `step ${step}: ${manifest.kind} ${manifest.metadata?.name ?? ''}`);
  }
});

/** Sets (or, with `undefined`, deletes) the field at a dotted path such as `spec.ports.0.port`. */
function setPath(root: Manifest, path: string, value: unknown): Manifest {
  const keys = path.split('.');
  let node = root as unknown as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    assert.ok(typeof next === 'object' && next !== null, `${path}: ${key} exists`);
    node = next as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return root;
}

const isCnpg = (m: Manifest) => m.apiVersion === 'postgresql.cnpg.io/v1' && m.kind === 'Cluster';
const isKindConfig = (m: Manifest) => m.apiVersion === 'kind.x-k8s.io/v1alpha4';
const isNodePort = (m: Manifest) => m.kind === 'Service' && JSON.stringify(m).includes('"type":"NodePort"');

test('a typo in any kind of manifest fails validation, naming the field', () => {
  const plan = defaults();
  const cases: [string, (m: Manifest) => boolean, string, unknown, RegExp][] = [
    ['HelmRelease sourceRef kind', (m) => m.kind === 'HelmRelease', 'spec.chart.spec.sourceRef.kind', 'HelmRepo', /sourceRef\/kind: must be one of/],
    ['HelmRelease misspelt field', (m) => m.kind === 'HelmRelease', 'spec.targetNamepsace', 'x', /unknown field "targetNamepsace"/],
    ['HelmRepository url', (m) => m.kind === 'HelmRepository', 'spec.url', 'charts.jetstack.io', /spec\/url: must match pattern/],
    ['Deployment containerPort', (m) => m.kind === 'Deployment', 'spec.template.spec.containers.0.ports', [{ containerport: 8080 }], /unknown field "containerport"/],
    ['Deployment selector', (m) => m.kind === 'Deployment', 'spec.selector.matchLabels', { app: 'other' }, /pod template does not carry app=other/],
    ['Deployment volume', (m) => m.kind === 'Deployment', 'spec.template.spec.volumes', [], /names no volume/],
    ['Service port type', (m) => m.kind === 'Service', 'spec.ports.0.port', '5432', /ports\/0\/port: must be integer/],
    ['Service nodePort range', isNodePort, 'spec.ports.0.nodePort', 8080, /nodePort: must be >= 30000/],
    ['kind node role', isKindConfig, 'nodes.1.role', 'master', /nodes\/1\/role: must be one of/],
    ['kind node image', isKindConfig, 'nodes.0.image', 'kindest/node:latest', /nodes\/0\/image: must match pattern/],
    ['CNPG replica source', (m) => isCnpg(m) && JSON.stringify(m).includes('"replica":'), 'spec.replica.source', 'sw-counter-nowhere', /source sw-counter-nowhere is not one of spec.externalClusters/],
    ['CNPG instances', isCnpg, 'spec.instances', 0, /instances: must be >= 1/],
    ['Gateway protocol', (m) => m.kind === 'Gateway', 'spec.listeners.1.protocol', 'HTTPS2', /listeners\/1\/protocol: must be one of/],
    ['HTTPRoute parentRefs', (m) => m.kind === 'HTTPRoute', 'spec.parentRefs', undefined, /must have required property 'parentRefs'/],
    ['Certificate issuerRef', (m) => m.kind === 'Certificate', 'spec.issuerRef', undefined, /must have required property 'issuerRef'/],
    ['EnvoyProxy service type', (m) => m.kind === 'EnvoyProxy', 'spec.provider.kubernetes.envoyService.type', 'Nodeport', /envoyService\/type: must be one of/],
    ['Secret type', (m) => m.kind === 'Secret', 'type', 'basic-auth', /type: must be one of/],
    ['ConfigMap data type', (m) => m.kind === 'ConfigMap', 'data', { 'server.mjs': 42 }, /data\/server.mjs: must be string/],
    ['metadata name', (m) => m.kind === 'Namespace', 'metadata.name', 'SW_Counter', /metadata\/name: must match pattern/],
    ['unknown kind', (m) => m.kind === 'Namespace', 'kind', 'Namespaces', /no schema for v1 Namespaces/],
  ];
  for (const [name, pick, path, value, expect] of cases) {
    const errors = validateManifest(setPath(manifestOf(plan, pick), path, value));
    assert.ok(errors.some((e) => expect.test(e)), `${name}: expected an error matching ${expect}, got ${JSON.stringify(errors)}`);
  }
});

test('kind:up refuses a plan with an invalid manifest before running anything', async () => {
  const plan = defaults();
  const broken = planManifests(plan).find(({ manifest }) => manifest.kind === 'HelmRelease');
  assert.ok(broken);
  (broken.manifest.spec as Record<string, unknown>).interval = 'ten minutes';
  const calls: string[][] = [];
  await assert.rejects(
    executeKindPlan(plan, { runner: { run: async (argv) => (calls.push(argv), { exitCode: 0, stdout: '', stderr: '' }) }, log: () => {} }),
    /the kind plan is invalid \(nothing was applied\): step \d+ HelmRelease bp-\S+: \/spec\/interval: must match pattern/,
  );
  assert.equal(calls.length, 0);
});

test('the plan, the kind target and the front door agree on names and ports', () => {
  const plan = defaults();
  const target = kindTarget({ stateDir: '.state/kind' });
  assert.deepEqual(
    plan.regions.map((r) => [r.name, r.role, r.kubeconfigPath, r.nodes]),
    target.regions.map((r) => [r.name, r.role, r.kubeconfigPath, r.kill?.kind === 'container' ? r.kill.containers : []]),
  );
  for (const r of plan.regions) {
    const config = planManifests(plan).find(({ manifest }) => manifest.apiVersion === 'kind.x-k8s.io/v1alpha4' && manifest.name === r.cluster);
    assert.ok(config, `a kind config for ${r.cluster}`);
    assert.equal((config.manifest.nodes as unknown[]).length, r.nodes.length, `${r.cluster}: kind config nodes = kill containers`);
  }
  const haproxy = plan.steps.find(isFileStep);
  assert.ok(haproxy);
  for (const r of plan.regions) {
    for (const node of r.nodes) {
      for (const port of Object.values(NODE_PORTS)) {
        const line = `  server ${node} ${node}:${port}${r.role === 'primary' ? '' : ' backup'}\n`;
        assert.ok(haproxy.file.content.includes(line), `front door routes to ${node}:${port} (${r.role})`);
      }
    }
  }
  const dockerCreate = plan.steps.find((s) => isCommandStep(s) && s.command[0] === 'docker' && s.command[1] === 'create');
  assert.ok(dockerCreate && isCommandStep(dockerCreate));
  for (const rule of target.resolve) assert.ok(dockerCreate.command.some((a) => a.startsWith(`127.0.0.1:${rule.targetPort}:`)), `front door publishes ${rule.targetPort}`);
  assert.ok(dockerCreate.command.some((a) => a.startsWith(`127.0.0.1:${HOST_PORTS.nats}:`)));
  assert.equal(target.nats?.url, `nats://127.0.0.1:${HOST_PORTS.nats}`);
  assert.ok(dockerCreate.command.some((a) => a.startsWith(`127.0.0.1:${target.database?.port}:`)));
  assert.ok(!plan.steps.some((s) => isCommandStep(s) && s.command.some((a) => a.includes('mailpit'))), 'kind:up starts no Mailpit: the walk does');
  assert.deepEqual(plan.sideServices.map((s) => [s.name, s.network]), [['Mailpit', { name: 'kind', aliases: ['sw-kind-mailpit'] }]]);
  const nodePorts = planManifests(plan).flatMap(({ manifest }) => JSON.stringify(manifest).match(/"nodePort":\d+/g) ?? []);
  assert.deepEqual([...new Set(nodePorts)].sort(), Object.values(NODE_PORTS).map((p) => `"nodePort":${p}`).sort());
});

test('the dry-run is a YAML stream carrying every manifest and no generated secret', () => {
  const plan = defaults();
  const text = renderKindDryRun(plan);
  const docs = parseAllDocuments(text);
  assert.ok(Array.isArray(docs));
  for (const d of docs) assert.deepEqual(d.errors, []);
  const bodies = docs.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined);
  assert.equal(bodies.length, planManifests(plan).length + plan.steps.filter(isFileStep).length + plan.sideServices.length);
  assert.equal(text, renderKindDryRun(defaults()), 'deterministic');
  assert.match(text, /password: <generated:sw-counter-db-password>/);
});

test('the counter app is deployed in each region with its placeholders filled in', () => {
  const plan = defaults();
  const routes = planManifests(plan).filter(({ manifest }) => manifest.kind === 'HTTPRoute').map(({ manifest }) => manifest as Manifest & { spec: { hostnames: string[]; parentRefs: { name: string; namespace: string }[] } });
  assert.equal(routes.length, KIND_REGIONS.length);
  const gateway = manifestOf(plan, (m) => m.kind === 'Gateway');
  for (const route of routes) {
    assert.deepEqual(route.spec.hostnames, [`counter.${KIND_SOVEREIGN}`]);
    assert.equal(route.spec.parentRefs[0].name, gateway.metadata?.name);
    assert.equal(route.spec.parentRefs[0].namespace, gateway.metadata?.namespace);
  }
  for (const { manifest } of planManifests(plan)) assert.doesNotMatch(JSON.stringify(manifest), /\$\{/);
  const deployments = planManifests(plan).filter(({ manifest }) => manifest.kind === 'Deployment').map(({ manifest }) => JSON.stringify(manifest));
  assert.match(deployments[0], /"REGION","value":"hz-fsn-rtz-prod"/);
  assert.match(deployments[1], /"REGION","value":"hz-hel-rtz-prod"/);
  assert.match(deployments[1], /sw-counter-hel-app/);
  assert.throws(
    () => counterManifests([{ path: 'fixtures/counter-app/manifests/x.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${NOPE}\n' }], KIND_REGIONS[0]),
    /fixtures\/counter-app\/manifests\/x.yaml: no value for \$\{NOPE\}/,
  );
});

test('kit releases: one HelmRelease per kit slot with its dependsOn; an uninstallable slot is refused', () => {
  const manifests = kitManifests(inputs.kit, 'primary') as (Manifest & { spec: { dependsOn?: { name: string }[]; chart: { spec: { version: string } } } })[];
  const releases = manifests.filter((m) => m.kind === 'HelmRelease');
  assert.deepEqual(releases.map((r) => r.metadata?.name), inputs.kit.slots.map((s) => s.name));
  for (const slot of inputs.kit.slots) {
    const hr = releases.find((r) => r.metadata?.name === slot.name)!;
    assert.deepEqual((hr.spec.dependsOn ?? []).map((d) => d.name), slot.dependsOn);
    assert.equal(hr.metadata?.labels?.['catalyst.openova.io/slot'], slot.slot);
    assert.equal(hr.spec.chart.spec.version, slot.version);
  }
  const withoutChart: Kit = { slots: [{ ...inputs.kit.slots[0], chart: undefined }] };
  assert.throws(() => kitManifests(withoutChart, 'primary'), /slot 02 bp-cert-manager cannot be installed on kind: it needs "chart"/);
  const unknownSlot: Kit = { slots: [{ ...inputs.kit.slots[0], name: 'bp-keycloak', ready: { kind: 'helmrelease-ready', namespace: 'flux-system', name: 'bp-keycloak' } }] };
  assert.throws(() => kitManifests(unknownSlot, 'primary'), /bp-keycloak cannot be installed on kind: it needs an entry in KIND_CHARTS/);
  const danglingDep: Kit = { slots: [{ ...inputs.kit.slots[1], dependsOn: ['bp-cilium'] }] };
  assert.throws(() => kitManifests(danglingDep, 'primary'), /depends on bp-cilium, which the kit does not install/);
  const wrongReady: Kit = { slots: [{ ...inputs.kit.slots[0], ready: { kind: 'helmrelease-ready', namespace: 'cert-manager', name: 'bp-cert-manager' } }] };
  assert.throws(() => kitManifests(wrongReady, 'primary'), /ready must name HelmRelease flux-system\/bp-cert-manager/);
  const clash = { ...KIND_CHARTS, 'bp-reloader': { ...KIND_CHARTS['bp-reloader'], repository: { name: 'jetstack', url: 'https://example.test/charts' } } };
  assert.throws(() => kitManifests(inputs.kit, 'primary', clash), /Helm repository name jetstack is used for both https:\/\/charts.jetstack.io and https:\/\/example.test\/charts/);
});

test('the kind profile installs the platform\'s DR controller beside the pair, tolerating a chart that cannot be had; the kind target names it', () => {
  const plan = defaults();
  for (const r of KIND_REGIONS) {
    const ofRegion = plan.steps.filter((s) => 'applyTo' in s && s.applyTo === r.name).map((s) => ('manifest' in s ? `${s.manifest.kind} ${s.manifest.metadata?.name}` : ''));
    for (const m of ['HelmRepository openova-io', 'HelmRelease bp-continuum', 'CNPGPair sw-counter', 'Continuum sw-counter']) assert.ok(ofRegion.includes(m), `${r.name}: ${m}`);
  }
  const release = manifestOf(plan, (m) => m.kind === 'HelmRelease' && m.metadata?.name === 'bp-continuum') as Manifest & { spec: { chart: { spec: { version: string; sourceRef: { name: string } } }; values: { continuum: { enabled: boolean } } } };
  assert.equal(release.spec.chart.spec.sourceRef.name, 'openova-io');
  assert.equal(release.spec.values.continuum.enabled, true, 'the chart ships the controller off by default');
  const repository = manifestOf(plan, (m) => m.kind === 'HelmRepository' && m.metadata?.name === 'openova-io') as Manifest & { spec: { type: string; url: string } };
  assert.deepEqual([repository.spec.type, repository.spec.url], ['oci', 'oci://ghcr.io/openova-io']);
  const waits = plan.steps.filter((s) => isCommandStep(s) && s.command.includes('helmrelease/bp-continuum'));
  assert.equal(waits.length, KIND_REGIONS.length);
  for (const w of waits) assert.ok(isCommandStep(w) && w.tolerate === 'timed out waiting for the condition', 'kind:up goes on; the walk skips failover');
  const sync = manifestOf(plan, (m) => isCnpg(m) && JSON.stringify(m).includes('"synchronous"')) as Manifest & { spec: { postgresql: { synchronous: Record<string, unknown> } } };
  assert.equal(sync.spec.postgresql.synchronous.dataDurability, 'required', 'CNPG 1.27 refuses a synchronous block without it');
  assert.match(validateManifest(setPath(structuredClone(sync), 'spec.postgresql.synchronous.dataDurability', 'preferred')).join('; '), /dataDurability set to 'preferred' requires empty 'standbyNamesPre'/);
  assert.deepEqual(kindTarget({ stateDir: '.state/kind' }).drController, { namespace: 'flux-system', name: 'bp-continuum' });
});
