/**
 * The custom resources a slot's chart creates so that its `resource-*` surface check has
 * something to read: the condition, field value, name or count the check expects when the
 * surface is healthy, and the opposite when it is down.
 */
import type { ObjectStore } from '../kube/store.js';
import type { KubeObject, ResourceType } from '../kube/types.js';
import { apiVersionOf } from '../kube/types.js';
import type { ResourceConditionCheck, ResourceExistsCheck, ResourceFieldCheck, ResourceNonEmptyCheck } from '../../src/kit/types.js';
import { splitResource } from '../resources.js';
import { create, ensureNamespace, record, rfc3339, writeStatus } from '../runtime/objects.js';
import { releaseAnnotations, releaseLabels, type SlotPlan } from './plan.js';

const MANAGER = 'helm-controller';

type ObjectCheck = ResourceConditionCheck | ResourceFieldCheck | ResourceExistsCheck | ResourceNonEmptyCheck;

/** A little of what well-known charts really put in these objects, so they read like the real thing. */
const KIND_EXTRAS: Record<string, (name: string, healthy: boolean) => { spec?: Record<string, unknown>; status?: Record<string, unknown> }> = {
  'cert-manager.io/ClusterIssuer': (name) => ({ spec: { ca: { secretName: `${name}-ca` } } }),
  'postgresql.cnpg.io/Cluster': (name, healthy) => ({
    spec: { instances: 2, storage: { size: '10Gi' }, postgresql: { parameters: { max_connections: '200' } } },
    status: { instances: 2, readyInstances: healthy ? 2 : 0, currentPrimary: `${name}-1`, targetPrimary: `${name}-1`, latestGeneratedNode: 2 },
  }),
  'velero.io/BackupStorageLocation': () => ({ spec: { provider: 'aws', default: true, objectStorage: { bucket: 'velero' } } }),
};

/** The served type behind `<plural>[.<group>]` in this region, if any. */
function servedType(store: ObjectStore, resource: string): ResourceType | undefined {
  const { plural, group } = splitResource(resource);
  return store.types().find((rt) => rt.group === group && rt.plural === plural);
}

/** Sets `a.b[0].c` on an object, creating the containers on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const steps = path.split('.').flatMap((part) => part.split(/\[(\d+)\]/).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s)));
  let cursor: Record<string | number, unknown> = target;
  steps.forEach((step, i) => {
    if (i === steps.length - 1) {
      cursor[step] = value;
      return;
    }
    const nextIsIndex = typeof steps[i + 1] === 'number';
    if (cursor[step] === undefined || cursor[step] === null || typeof cursor[step] !== 'object') cursor[step] = nextIsIndex ? [] : {};
    cursor = cursor[step] as Record<string | number, unknown>;
  });
}

const STRING_VALUES = ['Ready', 'Running', 'Available', 'Healthy'];

/** A value that satisfies (healthy) or violates (down) a resource-field check. */
export function fieldValue(check: ResourceFieldCheck, healthy: boolean): unknown {
  const { equals, notEquals } = check;
  if (healthy) {
    if (equals !== undefined) return equals;
    if (typeof notEquals === 'boolean') return !notEquals;
    if (typeof notEquals === 'number') return notEquals + 1;
    return STRING_VALUES.find((v) => v !== notEquals);
  }
  if (notEquals !== undefined) return notEquals;
  if (typeof equals === 'boolean') return !equals;
  if (typeof equals === 'number') return equals === 0 ? 1 : 0;
  if (typeof equals === 'string') return equals === 'Failed' ? 'Unknown' : 'Failed';
  return undefined;
}

function opposite(status: string): string {
  return status === 'True' ? 'False' : status === 'False' ? 'True' : 'False';
}

interface Body {
  top: Record<string, unknown>;
  status: Record<string, unknown>;
}

function putObject(store: ObjectStore, plan: SlotPlan, rt: ResourceType, name: string, namespace: string | undefined, body: Body, healthy: boolean): void {
  const apiVersion = apiVersionOf(rt);
  const ns = rt.namespaced ? namespace : undefined;
  if (ns) ensureNamespace(store, ns, MANAGER);
  if (store.get(apiVersion, rt.kind, ns, name)) return;
  const extras = KIND_EXTRAS[`${rt.group}/${rt.kind}`]?.(name, healthy);
  const obj = create(
    store,
    {
      apiVersion,
      kind: rt.kind,
      metadata: { name, ...(ns ? { namespace: ns } : {}), labels: releaseLabels(plan, name), annotations: releaseAnnotations(plan) },
      ...(extras?.spec ? { spec: extras.spec } : {}),
      ...(rt.kind === 'ConfigMap' && rt.group === '' ? { data: {} } : {}),
      ...body.top,
    },
    MANAGER,
  );
  if (!rt.hasStatus) return;
  writeStatus(store, obj, plan.component, (o: KubeObject) => {
    o.status = { ...record(o.status), ...(extras?.status ?? {}), ...body.status, observedGeneration: o.metadata.generation };
  });
}

/**
 * Creates the check's objects in the region; false when the check's type is not served (yet),
 * so the caller can try again once it is.
 */
export function applyObjects(store: ObjectStore, plan: SlotPlan, check: ObjectCheck, healthy: boolean): boolean {
  const rt = servedType(store, check.resource);
  if (!rt) return false;
  const namespace = check.namespace ?? plan.namespace;
  switch (check.kind) {
    case 'resource-condition': {
      const status = healthy ? check.status : opposite(check.status);
      const kindWords = rt.kind.replace(/([a-z])([A-Z])/g, '$1 $2');
      const condition = {
        type: check.condition,
        status,
        reason: status === 'True' ? check.condition : `Not${check.condition}`,
        message: status === check.status ? `${kindWords} is ${check.condition.toLowerCase()}` : `${kindWords} ${check.condition.toLowerCase()} check failed: backend ${plan.component} is unavailable`,
        lastTransitionTime: rfc3339(),
        observedGeneration: 1,
      };
      putObject(store, plan, rt, check.name ?? plan.component, namespace, { top: {}, status: { conditions: [condition] } }, healthy);
      return true;
    }
    case 'resource-field': {
      const value = fieldValue(check, healthy);
      for (let i = 0; i < (check.atLeast ?? 1); i++) {
        const body: Body = { top: {}, status: {} };
        if (value !== undefined) {
          if (check.field.startsWith('status.')) setPath(body.status, check.field.slice('status.'.length), value);
          else setPath(body.top, check.field, value);
        }
        putObject(store, plan, rt, i === 0 ? plan.component : `${plan.component}-${i + 1}`, namespace, body, healthy);
      }
      return true;
    }
    case 'resource-exists':
      if (healthy) putObject(store, plan, rt, check.name, namespace, { top: {}, status: {} }, healthy);
      return true;
    case 'resource-nonempty':
      if (healthy) putObject(store, plan, rt, plan.component, namespace, { top: {}, status: {} }, healthy);
      return true;
  }
}
