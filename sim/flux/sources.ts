/**
 * source-controller for one region: GitRepository, HelmRepository and OCIRepository fetch their
 * URL every interval and on a `reconcile.fluxcd.io/requestedAt` change. Whether a fetch works is
 * the sim network's answer for flux-system → url; a failed fetch keeps the last artifact and
 * reports the error the way source-controller words it, naming the host it could not reach.
 */
import type { ObjectStore } from '../kube/store.js';
import type { KubeObject } from '../kube/types.js';
import type { SimNet } from '../context.js';
import { GITREPOSITORY_TYPE, HELMREPOSITORY_TYPE, OCIREPOSITORY_TYPE, type SimResourceType } from '../resources.js';
import { WorkQueue } from '../runtime/queue.js';
import { inform, record, removeCondition, rfc3339, setCondition, statusOf, writeStatus } from '../runtime/objects.js';
import { FLUX_NS, digest, intervalMs, requestedAt, sortFluxConditions } from './model.js';

const MANAGER = 'source-controller';
const KINDS: readonly SimResourceType[] = [GITREPOSITORY_TYPE, HELMREPOSITORY_TYPE, OCIREPOSITORY_TYPE];

interface Fetch {
  revision: string;
  digest: string;
  path: string;
  readyMessage: string;
  failureReason: string;
  failureMessage: string;
}

function hostPort(url: string): { host: string; hostPort: string } {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'http:' ? '80' : u.protocol === 'ssh:' ? '22' : '443');
    return { host: u.hostname, hostPort: `${u.hostname}:${port}` };
  } catch {
    return { host: url, hostPort: url };
  }
}

/** What a fetch of this source yields, or how it fails, per source kind. */
function describeFetch(obj: KubeObject): Fetch {
  const spec = record(obj.spec);
  const url = String(spec.url ?? '');
  const { host, hostPort: hp } = hostPort(url);
  const key = `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}`;
  if (obj.kind === 'GitRepository') {
    const ref = record(spec.ref);
    const branch = String(ref.branch ?? ref.tag ?? 'main');
    const sha = digest(`${url}#${branch}`, 'sha1');
    const revision = `${branch}@sha1:${sha}`;
    return {
      revision,
      digest: `sha256:${digest(revision)}`,
      path: `gitrepository/${obj.metadata.namespace}/${obj.metadata.name}/${sha}.tar.gz`,
      readyMessage: `stored artifact for revision '${revision}'`,
      failureReason: 'GitOperationFailed',
      failureMessage: `failed to checkout and determine revision: unable to clone '${url}': dial tcp ${hp}: i/o timeout`,
    };
  }
  if (obj.kind === 'HelmRepository') {
    const revision = `sha256:${digest(url)}`;
    const oci = spec.type === 'oci';
    return {
      revision,
      digest: revision,
      path: `helmrepository/${obj.metadata.namespace}/${obj.metadata.name}/index-${digest(url).slice(0, 16)}.yaml`,
      readyMessage: `stored artifact: revision '${revision}'`,
      failureReason: 'FetchFailed',
      failureMessage: oci
        ? `failed to login to OCI registry: Get "https://${host}/v2/": dial tcp ${host}:443: i/o timeout`
        : `failed to fetch Helm repository index: failed to cache index to temporary file: Get "${url.replace(/\/$/, '')}/index.yaml": dial tcp ${hp}: i/o timeout`,
    };
  }
  const tag = String(record(spec.ref).tag ?? 'latest');
  const sha = digest(`${key}@${url}:${tag}`);
  const revision = `${tag}@sha256:${sha}`;
  const repo = url.replace(/^oci:\/\//, '');
  return {
    revision,
    digest: `sha256:${sha}`,
    path: `ocirepository/${obj.metadata.namespace}/${obj.metadata.name}/${sha}.tar.gz`,
    readyMessage: `stored artifact for digest '${revision}'`,
    failureReason: 'OCIArtifactPullFailed',
    failureMessage: `failed to determine artifact digest: GET https://${repo.split('/')[0]}/v2/${repo.split('/').slice(1).join('/')}/manifests/${tag}: dial tcp ${host}:443: i/o timeout`,
  };
}

export function installSourceController(store: ObjectStore, net: SimNet, onError: (err: unknown, key?: string) => void): () => void {
  const seen = new Map<string, { generation: number; requestedAt?: string }>();
  const typeByKind = new Map(KINDS.map((rt) => [rt.kind, rt]));

  const queue = new WorkQueue(async (key) => {
    const [kind, ns, name] = key.split('/');
    const rt = typeByKind.get(kind);
    if (!rt) return;
    const apiVersion = `${rt.group}/${rt.version}`;
    const obj = store.get(apiVersion, kind, ns, name);
    if (!obj || record(obj.spec).suspend === true) return;
    const fetch = describeFetch(obj);
    const url = String(record(obj.spec).url ?? '');
    const reachable = net.canReach(FLUX_NS, url);
    writeStatus(store, obj, MANAGER, (o) => {
      const status = statusOf(o);
      if (reachable) {
        const previous = record(status.artifact);
        status.artifact = {
          digest: fetch.digest,
          lastUpdateTime: previous.revision === fetch.revision && typeof previous.lastUpdateTime === 'string' ? previous.lastUpdateTime : rfc3339(),
          path: fetch.path,
          revision: fetch.revision,
          size: 40_000 + (parseInt(fetch.digest.slice(-4), 16) || 0),
          url: `http://source-controller.${FLUX_NS}.svc.cluster.local./${fetch.path}`,
        };
        if (kind === 'HelmRepository') status.url = `http://source-controller.${FLUX_NS}.svc.cluster.local./${fetch.path}`;
        setCondition(o, { type: 'Ready', status: 'True', reason: 'Succeeded', message: fetch.readyMessage });
        setCondition(o, { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message: fetch.readyMessage });
        removeCondition(o, 'FetchFailed');
      } else {
        setCondition(o, { type: 'FetchFailed', status: 'True', reason: fetch.failureReason, message: fetch.failureMessage });
        setCondition(o, { type: 'Ready', status: 'False', reason: fetch.failureReason, message: fetch.failureMessage });
      }
      removeCondition(o, 'Reconciling');
      sortFluxConditions(o);
      status.observedGeneration = o.metadata.generation;
      const handled = requestedAt(o);
      if (handled !== undefined) status.lastHandledReconcileAt = handled;
    });
    queue.enqueue(key, intervalMs(obj));
  }, onError);

  const unsubscribe = KINDS.map((rt) =>
    inform(store, rt, (type, obj) => {
      const key = `${rt.kind}/${obj.metadata.namespace}/${obj.metadata.name}`;
      if (type === 'DELETED') {
        seen.delete(key);
        return;
      }
      const before = seen.get(key);
      const now = { generation: obj.metadata.generation, requestedAt: requestedAt(obj) };
      seen.set(key, now);
      if (!before || before.generation !== now.generation || before.requestedAt !== now.requestedAt) queue.enqueue(key);
    }),
  );

  return () => {
    queue.stop();
    for (const u of unsubscribe) u();
  };
}
