/**
 * What a freshly handed-over Sovereign region already holds before any HelmRelease of the kit
 * is walked: system namespaces, the CRD objects of the served types, the Cilium Gateways with
 * their listeners.
 */
import type { ObjectStore } from '../kube/store.js';
import { crdObject, type SimResourceType } from '../resources.js';
import { create, ensureNamespace, rfc3339, writeStatus } from '../runtime/objects.js';

const MANAGER = 'sim-bootstrap';
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'flux-system', 'cert-manager'];

/** Records a CRD object for a served custom type (Established, names accepted). */
export function seedCrd(store: ObjectStore, rt: SimResourceType): void {
  if (!rt.crd) return;
  const obj = crdObject(rt);
  if (store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, obj.metadata.name)) return;
  create(store, obj as Parameters<typeof create>[1], MANAGER);
  const now = rfc3339();
  writeStatus(store, { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: obj.metadata }, 'kube-apiserver', (o) => {
    o.status = {
      acceptedNames: (obj.spec as { names: unknown }).names,
      storedVersions: [rt.version],
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now },
      ],
    };
  });
}

function seedGateway(store: ObjectStore, name: string, hostnames: string[], tlsSecret: string): void {
  const listeners = hostnames.map((hostname, i) => ({
    name: `https-${i}`,
    hostname,
    port: 443,
    protocol: 'HTTPS',
    tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: tlsSecret }] },
    allowedRoutes: { namespaces: { from: 'All' } },
  }));
  create(store, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace: 'kube-system' }, spec: { gatewayClassName: 'cilium', listeners } }, MANAGER);
  writeStatus(store, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace: 'kube-system' } }, 'cilium-operator', (o) => {
    const now = rfc3339();
    const cond = (type: string, reason: string, message: string) => ({ type, status: 'True', reason, message, lastTransitionTime: now, observedGeneration: o.metadata.generation });
    o.status = {
      addresses: [{ type: 'IPAddress', value: '127.0.0.1' }],
      conditions: [cond('Accepted', 'Accepted', 'Gateway successfully scheduled'), cond('Programmed', 'Programmed', 'Gateway successfully reconciled')],
      listeners: listeners.map((l) => ({
        name: l.name,
        attachedRoutes: 0,
        supportedKinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }, { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' }],
        conditions: [
          cond('Programmed', 'Programmed', 'Listener Programmed'),
          cond('Accepted', 'Accepted', 'Listener Accepted'),
          cond('ResolvedRefs', 'ResolvedRefs', 'Resolved Refs'),
        ],
      })),
    };
  });
}

export function seedCluster(store: ObjectStore, opts: { sovereign: string; poolDomain: string; types: readonly SimResourceType[] }): void {
  for (const ns of SYSTEM_NAMESPACES) ensureNamespace(store, ns, MANAGER);
  for (const rt of opts.types) seedCrd(store, rt);
  const sov = opts.sovereign;
  seedGateway(store, 'cilium-gateway', [`*.${sov}`, sov, `*.${opts.poolDomain}`], 'sovereign-wildcard-tls');
  seedGateway(store, 'cilium-gateway-console', [`console.${sov}`], 'sovereign-wildcard-tls');
}
