/**
 * The DoD part of the simulated Sovereign: what a healthy, cut-over Sovereign shows the DoD
 * layers (control plane, system workloads written by automation only, cutover state, public
 * hosts, the mothership's deployment record), and one fault per DoD check kind.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimContext, SimRegion } from '../context.js';
import type { ObjectStore } from '../kube/store.js';
import type { KubeObject } from '../kube/types.js';
import { createCa, issueLeaf } from '../pki/tls.js';
import { regionHooks } from '../region-hooks.js';
import { nodeNames } from '../cluster/nodes.js';
import { FLUX_NS, HR_API, SOURCE_API } from '../flux/model.js';
import { getCondition, rfc3339, setCondition, writeStatus } from '../runtime/objects.js';
import { CONTROL_PLANE_NAMESPACE, seedControlPlane } from './control-plane.js';
import { RESTARTED_AT, seedSystemWorkloads } from './system-workloads.js';
import { CUTOVER_NAMESPACE, STATUS_CONFIGMAP, markUnrecorded, seedCutoverState } from './cutover-state.js';
import { CUTOVER_AFTER_MS, PROVISIONED_AGO_MS, deploymentId, recordDocument } from './record.js';
import { installWeb } from './web.js';
import './faults.js';

export { DOD_FAULT_KINDS } from './faults.js';

/** Where the harness finds the bearer token of the sim's deployment-record endpoint. */
export const RECORD_TOKEN_ENV = 'SW_SIM_RECORD_TOKEN';
export const STAGING_ISSUER_CN = "(STAGING) Let's Encrypt";

export async function installDod(ctx: SimContext): Promise<void> {
  const sov = ctx.sovereign;
  const startedMs = Date.now() - PROVISIONED_AGO_MS;
  const args = (kind: string) => ctx.faults.filter((f) => f.kind === kind && f.arg !== undefined).map((f) => f.arg as string);

  for (const component of args('cp-pod-notready')) {
    ctx.onStop(
      regionHooks(ctx.primary).addPodHealthRule((pod) =>
        pod.metadata.namespace === CONTROL_PLANE_NAMESPACE && pod.metadata.labels?.['app.kubernetes.io/name'] === component
          ? { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${component}` }
          : undefined,
      ),
    );
  }
  for (const r of ctx.regions) {
    seedControlPlane(r.store, sov);
    seedSystemWorkloads(r.store, { kit: ctx.kit, controlPlaneNode: nodesOf(r)[0], deploymentStartedMs: startedMs });
    // Every region runs bp-self-sovereign-cutover: each cluster pivots its own registries and Flux sources.
    seedCutoverState(r.store, { nodes: nodesOf(r), times: { startedMs: startedMs + CUTOVER_AFTER_MS } });
  }
  if (ctx.faultActive('cutover-incomplete')) markUnrecorded(ctx.primary.store);

  const token = (process.env[RECORD_TOKEN_ENV] ??= randomBytes(24).toString('hex'));
  const id = deploymentId(sov);
  const primaryStore = ctx.primary.store;
  installWeb(ctx, {
    record: {
      id,
      token,
      document: () =>
        recordDocument({
          id,
          sovereign: sov,
          regions: ctx.regions.map((r) => r.name),
          startedMs,
          cutoverComplete: () => (primaryStore.get('v1', 'ConfigMap', CUTOVER_NAMESPACE, STATUS_CONFIGMAP)?.data as Record<string, string> | undefined)?.cutoverComplete === 'true',
        }),
    },
    down: new Set(args('host-502')),
    forbidden: new Set(args('forbidden-literal')),
  });
  ctx.targetExtras.record = { url: `https://api.${sov}/api/v1/deployments/${id}`, tokenEnv: RECORD_TOKEN_ENV };
  ctx.targetExtras.secretsEnv = { ...ctx.targetExtras.secretsEnv, simRecord: RECORD_TOKEN_ENV };

  for (const region of args('node-notready')) nodeNotReady(ctx, region);
  for (const name of args('hr-unknown')) holdReadyUnknown(ctx, ctx.primary.store, name);
  for (const ref of args('kubectl-patch')) {
    const [ns, name] = ref.split('/');
    whenPresent(ctx, ctx.primary.store, 'apps/v1', 'Deployment', ns, name, () =>
      // `kubectl patch deploy <name> -p '{"metadata":{"annotations":{…}}}'`
      ctx.primary.store.mutate('apps/v1', 'Deployment', ns, name, (o) => {
        o.metadata.annotations = { ...o.metadata.annotations, 'ops/debug-hold': 'true' };
      }, 'kubectl-patch'),
    );
  }
  for (const ref of args('late-restart')) {
    const [ns, name] = ref.split('/');
    // A console "restart" (catalyst-api, an automation manager) after the bootstrap window: only the restartedAt audit sees it.
    whenPresent(ctx, ctx.primary.store, 'apps/v1', 'Deployment', ns, name, () =>
      ctx.primary.store.mutate('apps/v1', 'Deployment', ns, name, (o) => {
        const template = (o.spec as { template: { metadata?: { annotations?: Record<string, string> } } }).template;
        template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, [RESTARTED_AT]: rfc3339() } };
      }, 'catalyst-api'),
    );
  }
  for (const name of args('helmrepo-ghcr')) {
    for (const r of ctx.regions) {
      whenPresent(ctx, r.store, SOURCE_API, 'HelmRepository', FLUX_NS, name, () =>
        r.store.mutate(SOURCE_API, 'HelmRepository', FLUX_NS, name, (o) => {
          (o.spec as Record<string, unknown>).url = 'oci://ghcr.io/openova-io';
        }, 'kustomize-controller'),
      );
    }
  }
  if (ctx.faultActive('staging-cert')) await serveStagingCertificate(ctx);
}

/** The region's node names: the seeded nodes, else the names the node model gives them. */
function nodesOf(r: SimRegion): string[] {
  const seeded = r.store.list('v1', 'Node').map((n) => n.metadata.name);
  return seeded.length ? seeded : nodeNames(r.name);
}

function regionByArg(ctx: SimContext, arg: string): SimRegion {
  const r = ctx.regions.find((x) => x.name === arg || x.role === arg);
  if (!r) throw new Error(`--sim-fault node-notready:${arg}: no such region (${ctx.regions.map((x) => x.name).join(', ')}, primary, secondary)`);
  return r;
}

/** Runs `fn` once the object exists (now, or when it is created). */
function whenPresent(ctx: SimContext, store: ObjectStore, apiVersion: string, kind: string, namespace: string | undefined, name: string, fn: () => void): void {
  if (store.get(apiVersion, kind, namespace, name)) {
    fn();
    return;
  }
  const stop = store.watch(apiVersion, kind, (type, obj) => {
    if (type !== 'ADDED' || obj.metadata.name !== name) return;
    stop();
    fn();
  }, namespace ? { namespace } : {});
  ctx.onStop(stop);
}

function nodeNotReady(ctx: SimContext, arg: string): void {
  const region = regionByArg(ctx, arg);
  const name = nodesOf(region).at(-1) as string;
  whenPresent(ctx, region.store, 'v1', 'Node', undefined, name, () =>
    writeStatus(region.store, { apiVersion: 'v1', kind: 'Node', metadata: { name } }, 'k3s', (o) => {
      const now = rfc3339();
      const conditions = ((o.status as { conditions?: Record<string, unknown>[] }).conditions ?? []).filter((c) => c.type !== 'Ready');
      conditions.push({ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cilium-agent not ready', lastHeartbeatTime: now, lastTransitionTime: now });
      (o.status as Record<string, unknown>).conditions = conditions;
    }),
  );
}

/**
 * A helm-controller that died mid-upgrade: the release stays Progressing (Ready=Unknown). The
 * region's controller model keeps reconciling, so every Ready=True it writes is turned back
 * within the same store dispatch, before any client can read it.
 */
function holdReadyUnknown(ctx: SimContext, store: ObjectStore, name: string): void {
  const flip = (hr: KubeObject) => {
    if (getCondition(hr, 'Ready')?.status !== 'True') return;
    writeStatus(store, hr, 'helm-controller', (o) => {
      const message = "Running 'upgrade' action with timeout of 10m0s";
      setCondition(o, { type: 'Reconciling', status: 'True', reason: 'Progressing', message });
      setCondition(o, { type: 'Ready', status: 'Unknown', reason: 'Progressing', message });
    });
  };
  const current = store.get(HR_API, 'HelmRelease', FLUX_NS, name);
  if (current) flip(current);
  ctx.onStop(store.watch(HR_API, 'HelmRelease', (type, hr) => {
    if (type !== 'DELETED' && hr.metadata.name === name) flip(hr);
  }, { namespace: FLUX_NS }));
}

/**
 * The front door serves a Let's Encrypt STAGING certificate. Its CA is added to the harness's
 * trust file, as a client that accepts the chain would: only the issuer check can object.
 */
async function serveStagingCertificate(ctx: SimContext): Promise<void> {
  const ca = await createCa(STAGING_ISSUER_CN);
  const leaf = await issueLeaf(ca, [ctx.sovereign, `*.${ctx.sovereign}`, ctx.poolDomain, `*.${ctx.poolDomain}`]);
  ctx.web.setCertificate(leaf.certPem, leaf.keyPem);
  // The sim CA's file: createSimPki writes it to <dir>/pki/ca.crt (SimContext does not carry it).
  const trusted = await readFile(ctx.targetExtras.caFile ?? join(ctx.dir, 'pki', 'ca.crt'), 'utf8');
  const bundle = join(ctx.dir, 'dod-ca-bundle.pem');
  await writeFile(bundle, `${trusted.trimEnd()}\n${ca.certPem}`);
  ctx.targetExtras.caFile = bundle;
}
