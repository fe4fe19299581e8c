/** A model's chart output as whole objects, and assertions that the upstream CRD accepts them. */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../sim/kube-client/api.js';
import type { OperatorModel } from '../../sim/operators/types.js';
import { crdSchema } from './crd-schema.js';
import { SOVEREIGN, stored } from './operator-world.js';

/** The object a chart renders for `kind`, as stored (generation 1, no status). */
export function sampleObject(model: OperatorModel, kind: string, name: string, namespace: string | undefined): KubeObject {
  return stored(`${model.group}/${model.kinds[kind]}`, kind, name, namespace, model.sample(kind, name, namespace, SOVEREIGN));
}

/** Asserts the API server would accept `obj` (its group's CRD at its version), and that the version is served. */
export function assertAccepted(obj: Record<string, unknown>): void {
  const [group, version] = String(obj.apiVersion).split('/');
  const schema = crdSchema(group, String(obj.kind), version);
  assert.ok(schema.served.includes(version), `${String(obj.kind)} ${version} is not served (served: ${schema.served.join(', ')})`);
  const errors = schema.object(obj);
  assert.deepEqual(errors, [], `${String(obj.kind)} rejected: ${errors.join('; ')}`);
}

/** Asserts the CRD accepts `status` for `obj`'s kind and version. */
export function assertStatusAccepted(obj: KubeObject, status: Record<string, unknown> | undefined): void {
  assert.ok(status, `no status for ${obj.kind}`);
  const [group, version] = obj.apiVersion!.split('/');
  const errors = crdSchema(group, obj.kind!, version).status(status);
  assert.deepEqual(errors, [], `${obj.kind} status rejected: ${errors.join('; ')}`);
}

/** The status a model writes, applied to the object (as the runner's status write would). */
export function withStatus(obj: KubeObject, status: Record<string, unknown> | undefined): KubeObject {
  return { ...obj, ...(status ? { status } : {}) } as KubeObject;
}
