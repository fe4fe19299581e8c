/**
 * The DoD part of the embedded Sovereign: what the DoD layers read beyond the kit (the system
 * workloads automation applied, the mothership's deployment record), and one fault per DoD check
 * kind, each through the mechanism a live Sovereign would show it by: a chart value, a kubectl
 * patch, a pushed GitOps change, a kwok node stage, a broken Gateway upstream, a planted bundle.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimContext, SimRegion } from '../context.js';
import { CONTAINER_STATE } from '../controlplane/kwok-config.js';
import { nodeNames } from '../controlplane/nodes.js';
import { STATUS_CM } from '../cutover/pulls.js';
import type { Informer, KubeObject } from '../kube-client/api.js';
import { rfc3339 } from '../operators/conditions.js';
import { createCa, issueLeaf } from '../pki/tls.js';
import { PROVISIONED_AGO_MS, deploymentId, recordDocument } from './record.js';
import { applySystemWorkloads, RESTARTED_AT } from './system-workloads.js';
import { installRecord, plantForbiddenLiteral, type BundleSurface } from './web.js';
import './faults.js';

export { DOD_FAULT_KINDS } from './faults.js';

/** Where the harness finds the bearer token of the deployment-record endpoint. */
export const RECORD_TOKEN_ENV = 'SW_SIM_RECORD_TOKEN';
export const STAGING_ISSUER_CN = "(STAGING) Let's Encrypt";
const CATALYST_RELEASE = 'bp-catalyst-platform';

export async function installDod(ctx: SimContext): Promise<void> {
  const sov = ctx.sovereign;
  const startedMs = Date.now() - PROVISIONED_AGO_MS;
  const args = (kind: string) => ctx.faults.filter((f) => f.kind === kind && f.arg !== undefined).map((f) => f.arg as string);

  for (const r of ctx.regions) await applySystemWorkloads(r, { kit: ctx.kit, controlPlaneNode: nodeNames(r.name)[0], deploymentStartedMs: startedMs });

  const configMaps = await ctx.informer(ctx.primary, 'v1', 'ConfigMap');
  const token = (process.env[RECORD_TOKEN_ENV] ??= randomBytes(24).toString('hex'));
  const id = deploymentId(sov);
  installRecord(ctx, {
    id,
    token,
    document: () =>
      recordDocument({
        id,
        sovereign: sov,
        regions: ctx.regions.map((r) => r.name),
        startedMs,
        cutoverComplete: () => (configMaps.get(STATUS_CM.namespace, STATUS_CM.name)?.data as Record<string, string> | undefined)?.cutoverComplete === 'true',
      }),
  });
  ctx.targetExtras.record = { url: `https://api.${sov}/api/v1/deployments/${id}`, tokenEnv: RECORD_TOKEN_ENV };
  ctx.targetExtras.secretsEnv = { ...ctx.targetExtras.secretsEnv, simRecord: RECORD_TOKEN_ENV };

  const patch = (r: SimRegion, apiVersion: string, kind: string, ns: string | undefined, name: string, body: Record<string, unknown>, manager: string) =>
    whenPresent(ctx, r, apiVersion, kind, ns, name, () => r.api.mergePatch({ apiVersion, kind, metadata: { name, namespace: ns } }, body, { manager }));

  for (const region of args('node-notready')) {
    const r = regionByArg(ctx, region);
    // kwok's own chaos stage: the node's kubelet stops reporting Ready.
    await r.api.mergePatch({ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeNames(r.name).at(-1)! } }, { metadata: { labels: { 'node-not-ready.stage.kwok.x-k8s.io': 'true' } } }, { manager: 'kubectl-label' });
  }
  const crashing = args('cp-pod-notready');
  if (crashing.length) {
    ctx.gitops.edit(CATALYST_RELEASE, { values: { workloadPodAnnotations: Object.fromEntries(crashing.map((c) => [c, { [CONTAINER_STATE]: 'CrashLoopBackOff' }])) } });
    await ctx.gitops.push(`crash ${crashing.join(', ')}`);
  }
  for (const ref of args('kubectl-patch')) {
    const [ns, name] = ref.split('/');
    // `kubectl patch deploy <name> -p '{"metadata":{"annotations":{…}}}'`
    patch(ctx.primary, 'apps/v1', 'Deployment', ns, name, { metadata: { annotations: { 'ops/debug-hold': 'true' } } }, 'kubectl-patch');
  }
  for (const ref of args('late-restart')) {
    const [ns, name] = ref.split('/');
    // A console "restart" (catalyst-api) after the bootstrap window: only the restartedAt audit sees it.
    patch(ctx.primary, 'apps/v1', 'Deployment', ns, name, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: rfc3339() } } } } }, 'catalyst-api');
  }
  if (ctx.faultActive('cutover-incomplete')) {
    patch(ctx.primary, 'v1', 'ConfigMap', STATUS_CM.namespace, STATUS_CM.name, { data: { cutoverComplete: 'false', progressPercent: '90', cutoverFinishedAt: null } }, 'catalyst-api');
  }
  const ghcr = args('helmrepo-ghcr');
  if (ghcr.length) {
    for (const name of ghcr) ctx.gitops.repositoryUrl(name, 'oci://ghcr.io/openova-io');
    await ctx.gitops.push(`leave ${ghcr.join(', ')} on ghcr.io`);
  }
  for (const host of args('host-502')) ctx.world.frontDoor.breakUpstream(`${host}.${sov}`);
  for (const surface of args('forbidden-literal')) plantForbiddenLiteral(ctx, surface as BundleSurface);
  const unknown = args('hr-unknown');
  if (unknown.length) await holdUpgradesProgressing(ctx, unknown);
  if (ctx.faultActive('staging-cert')) await serveStagingCertificate(ctx);
}

function regionByArg(ctx: SimContext, arg: string): SimRegion {
  const r = ctx.regions.find((x) => x.name === arg || x.role === arg);
  if (!r) throw new Error(`--sim-fault node-notready:${arg}: no such region (${ctx.regions.map((x) => x.name).join(', ')}, primary, secondary)`);
  return r;
}

/** Runs `act` once the object exists (now, or when it is created). */
function whenPresent(ctx: SimContext, region: SimRegion, apiVersion: string, kind: string, namespace: string | undefined, name: string, act: () => Promise<unknown>): void {
  let done = false;
  void ctx.informer(region, apiVersion, kind).then((inf: Informer) => {
    const stop = inf.on((type, o: KubeObject) => {
      if (done || type === 'DELETED' || o.metadata.name !== name || (o.metadata.namespace ?? undefined) !== namespace) return;
      done = true;
      queueMicrotask(() => stop());
      act().catch((err: unknown) => process.stderr.write(`[sim] dod fault on ${kind} ${name}: ${(err as Error).message}\n`));
    });
    ctx.onStop(stop);
  });
}

/**
 * A release whose upgrade waits on a rollout that never completes: once Ready in every region (the
 * push reaches every region's Flux: a region still installing it would install the crashing values
 * without waiting, Ready=True), its values make new pods crash and its upgrade waits (10 min), so
 * helm-controller reports Ready=Unknown (Progressing) the whole time while the old pods keep serving.
 */
async function holdUpgradesProgressing(ctx: SimContext, slots: string[]): Promise<void> {
  const informers = await Promise.all(ctx.regions.map((r) => ctx.informer(r, 'helm.toolkit.fluxcd.io/v2', 'HelmRelease')));
  const readyEverywhere = (slot: string) =>
    informers.every((hrs) => (hrs.get('flux-system', slot)?.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
  for (const slot of slots) {
    let done = false;
    const check = () => {
      if (done || !readyEverywhere(slot)) return;
      done = true;
      ctx.gitops.edit(slot, { values: { podAnnotations: { [CONTAINER_STATE]: 'CrashLoopBackOff' } }, waitTimeout: '10m' });
      ctx.gitops.push(`upgrade ${slot} (waits for its rollout)`).catch((err: unknown) => process.stderr.write(`[sim] hr-unknown: ${(err as Error).message}\n`));
    };
    for (const hrs of informers) {
      const stop = hrs.on((type, hr) => {
        if (type !== 'DELETED' && hr.metadata.name === slot) check();
      });
      ctx.onStop(stop);
    }
  }
}

/**
 * The front door serves a Let's Encrypt STAGING certificate. Its CA is added to the harness's
 * trust file, as a client that accepts the chain would: only the issuer check can object.
 */
async function serveStagingCertificate(ctx: SimContext): Promise<void> {
  const ca = await createCa(STAGING_ISSUER_CN);
  const leaf = await issueLeaf(ca, [ctx.sovereign, `*.${ctx.sovereign}`, ctx.poolDomain, `*.${ctx.poolDomain}`]);
  ctx.web.setCertificate(leaf.certPem, leaf.keyPem);
  const trusted = await readFile(ctx.targetExtras.caFile ?? ctx.caFile, 'utf8');
  const bundle = join(ctx.dir, 'dod-ca-bundle.pem');
  await writeFile(bundle, `${trusted.trimEnd()}\n${ca.certPem}`);
  ctx.targetExtras.caFile = bundle;
}
