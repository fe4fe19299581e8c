/**
 * Who may do what in a region: the harness (its own user and token), kwok, the world's actors (the
 * operators and product runtimes of this embedded Sovereign) and the Flux controllers, each bound
 * through RBAC like any cluster's installer binds them (Flux's own install binds its reconcilers
 * to cluster-admin).
 */
import { stringify } from 'yaml';
/** The harness's own user in every region (authenticated by bearer token). */
export const HARNESS_USER = 'sovereign-walk';

const BINDINGS: { name: string; subjects: { kind: 'User'; name: string }[] }[] = [
  { name: 'sovereign-walk', subjects: [{ kind: 'User', name: HARNESS_USER }] },
  { name: 'kwok-controller', subjects: [{ kind: 'User', name: 'kwok-controller' }] },
  { name: 'sovereign-world', subjects: [{ kind: 'User', name: 'sovereign-world' }] },
  {
    name: 'cluster-reconciler-flux-system',
    subjects: ['kustomize-controller', 'helm-controller', 'source-controller'].map((c) => ({ kind: 'User' as const, name: `system:serviceaccount:flux-system:${c}` })),
  },
];

export function rbacManifest(): string {
  return BINDINGS.map((b) =>
    stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: b.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: b.subjects.map((s) => ({ ...s, apiGroup: 'rbac.authorization.k8s.io' })),
    }),
  ).join('---\n');
}
