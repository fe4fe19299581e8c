/**
 * The kubelet's image pulls for the pods kwok runs. kwok would start a pod the moment it is
 * scheduled, so an admission webhook marks every new pod `sim.openova.io/image-pull: pending`
 * (kwok's pod-ready stage waits while it is set); once the pod has a node, its images are pulled
 * through the region's egress path (see pulls.ts). A pull that succeeds lifts the mark and kwok
 * starts the pod; one that fails marks it ImagePullBackOff, which kwok reports with the kubelet's
 * message. Failed pulls are retried every few seconds, as the kubelet's back-off does, so a pod
 * whose registry becomes reachable again starts. The webhook fails open: without this module
 * pods start unpulled.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SimContext, SimRegion } from '../context.js';
import type { KubeObject } from '../kube-client/api.js';
import { CONTAINER_MESSAGE, CONTAINER_STATE, HOST_RUN_NAMESPACES, IMAGE_PULL, RUNTIME } from '../controlplane/kwok-config.js';
import { issueLeaf } from '../pki/tls.js';
import { pullImage, type Puller } from './pulls.js';
import type { Manifest } from './state.js';

const WEBHOOK = 'sovereign-kubelet-image-pull';
const RETRY_MS = 5000;
const MANAGER = 'kubelet';

interface AdmissionReview {
  request?: { uid: string; object?: KubeObject };
}

function images(pod: KubeObject): string[] {
  const spec = (pod.spec ?? {}) as { initContainers?: { image?: string }[]; containers?: { image?: string }[] };
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => c.image ?? '').filter(Boolean);
}

/** The JSON patch that marks a new pod as not pulled yet (none for pods a host runtime runs). */
function markPatch(pod: KubeObject | undefined): object[] {
  const annotations = pod?.metadata.annotations;
  if (!pod || annotations?.[RUNTIME] === 'host') return [];
  const escaped = IMAGE_PULL.replace(/~/g, '~0').replace(/\//g, '~1');
  return annotations ? [{ op: 'add', path: `/metadata/annotations/${escaped}`, value: 'pending' }] : [{ op: 'add', path: '/metadata/annotations', value: { [IMAGE_PULL]: 'pending' } }];
}

/** Where the regions' API servers reach the webhook: the world's address when they are hosts of their own. */
async function startWebhook(ctx: SimContext): Promise<{ server: Server; url: string }> {
  const address = ctx.world.networking.net?.world ?? '127.0.0.1';
  const leaf = await issueLeaf(ctx.world.pki.ca, [address]);
  const server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      let review: AdmissionReview;
      try {
        review = JSON.parse(body) as AdmissionReview;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const patch = markPatch(review.request?.object);
      const response = { uid: review.request?.uid, allowed: true, ...(patch.length ? { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') } : {}) };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  return { server, url: `https://${address}:${(server.address() as AddressInfo).port}/mutate` };
}

function webhookConfiguration(url: string, caPem: string): Manifest {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: WEBHOOK },
    webhooks: [{
      name: 'image-pull.kubelet.sim.openova.io',
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: 'Ignore',
      timeoutSeconds: 5,
      clientConfig: { url, caBundle: Buffer.from(caPem).toString('base64') },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: HOST_RUN_NAMESPACES }] },
    }],
  };
}

/** One region's kubelets: pulls for every scheduled pod still marked, and the back-off retries. */
function regionPulls(region: SimRegion, puller: Puller, onError: (err: unknown) => void): () => void {
  const inFlight = new Set<string>();
  const pull = (pod: KubeObject) => {
    const uid = pod.metadata.uid ?? '';
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!node || inFlight.has(uid) || pod.metadata.deletionTimestamp) return;
    inFlight.add(uid);
    void (async () => {
      let failure;
      for (const image of images(pod)) if ((failure = await pullImage(puller, image, node))) break;
      const annotations = failure
        ? { [IMAGE_PULL]: 'failed', [CONTAINER_STATE]: failure.reason, [CONTAINER_MESSAGE]: failure.message }
        : { [IMAGE_PULL]: null, ...(pod.metadata.annotations?.[IMAGE_PULL] === 'failed' ? { [CONTAINER_STATE]: null, [CONTAINER_MESSAGE]: null } : {}) };
      if (failure && pod.metadata.annotations?.[IMAGE_PULL] === 'failed') return;
      await region.api.mergePatch({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace } }, { metadata: { annotations } }, { manager: MANAGER });
    })().catch((err: unknown) => {
      if ((err as { status?: number }).status !== 404) onError(err);
    }).finally(() => inFlight.delete(uid));
  };
  const unsubscribe = region.pods.on((type, pod) => {
    if (type !== 'DELETED' && pod.metadata.annotations?.[IMAGE_PULL] === 'pending') pull(pod);
  });
  const retry = setInterval(() => {
    for (const pod of region.pods.list()) if (pod.metadata.annotations?.[IMAGE_PULL] === 'failed') pull(pod);
  }, RETRY_MS);
  return () => {
    unsubscribe();
    clearInterval(retry);
  };
}

export async function installKubeletPulls(ctx: SimContext, ca: string): Promise<() => Promise<void>> {
  const { server, url } = await startWebhook(ctx);
  const config = webhookConfiguration(url, ctx.world.pki.ca.certPem);
  const onError = (err: unknown) => process.stderr.write(`[sim cutover] image pull: ${(err as Error).message}\n`);
  const stops = ctx.regions.map((region) => regionPulls(region, { region, sovereign: ctx.sovereign, ca }, onError));
  await Promise.all(ctx.regions.map((r) => r.api.apply(config, 'sovereign-world')));
  return async () => {
    for (const stop of stops) stop();
    await Promise.all(ctx.regions.map((r) => r.api.delete(config).catch(() => false)));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}
