// Source: crossplane v2.1 internal/controller/apiextensions/composition (the revision controller
// snapshots each Composition into a CompositionRevision `<name>-<hash[0:7]>` labelled with the
// composition's name and hash, numbering revisions from 1 and reusing the number of a revision whose
// hash matches). Compositions have no status. CompositionRevision is among the kinds so that the
// revisions, whose numbers the model reads, are watched.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube-client/api.js';
import type { OperatorModel, OperatorWorld } from './types.js';

const NAMESPACE = 'crossplane-system';
const REVISIONS = 'apiextensions.crossplane.io/v1';

function running(world: OperatorWorld): boolean {
  return world.workloadReady('Deployment', NAMESPACE, 'crossplane');
}

/** The revision number: the matching revision's, else one past the highest of this composition. */
function revisionNumber(obj: KubeObject, hash: string, world: OperatorWorld): number {
  const mine = world.list(REVISIONS, 'CompositionRevision').filter((r) => r.metadata.labels?.['crossplane.io/composition-name'] === obj.metadata.name);
  const same = mine.find((r) => r.metadata.labels?.['crossplane.io/composition-hash'] === hash.slice(0, 63));
  const number = (r: KubeObject) => Number((r.spec as { revision?: number } | undefined)?.revision ?? 0);
  return same ? number(same) : Math.max(0, ...mine.map(number)) + 1;
}

export const crossplane: OperatorModel = {
  group: 'apiextensions.crossplane.io',
  kinds: { Composition: 'v1', CompositionRevision: 'v1' },
  workload: { kind: 'Deployment', namespace: NAMESPACE, name: 'crossplane' },
  sample: () => ({
    spec: {
      compositeTypeRef: { apiVersion: 'platform.openova.io/v1alpha1', kind: 'XPostgresDatabase' },
      mode: 'Pipeline',
      pipeline: [{
        step: 'render-database',
        functionRef: { name: 'function-patch-and-transform' },
        input: {
          apiVersion: 'pt.fn.crossplane.io/v1beta1',
          kind: 'Resources',
          resources: [{
            name: 'database',
            base: { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Database', spec: { cluster: { name: 'cnpg' }, name: 'app', owner: 'app' } },
            patches: [{ type: 'FromCompositeFieldPath', fromFieldPath: 'spec.name', toFieldPath: 'spec.name' }],
          }],
        },
      }],
    },
  }),
  owned(obj, world) {
    if (obj.kind !== 'Composition' || !running(world)) return undefined;
    const hash = createHash('sha256').update(JSON.stringify(obj.spec ?? {})).digest('hex');
    return [{
      apiVersion: REVISIONS,
      kind: 'CompositionRevision',
      metadata: { name: `${obj.metadata.name}-${hash.slice(0, 7)}`, labels: { 'crossplane.io/composition-name': obj.metadata.name, 'crossplane.io/composition-hash': hash.slice(0, 63) } },
      spec: { ...obj.spec, revision: revisionNumber(obj, hash, world) },
    }];
  },
  status: () => undefined,
};
