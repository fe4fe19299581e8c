/**
 * What a kind region needs besides the kit so the harness can reach it like a Sovereign: a CA
 * ClusterIssuer (one CA for both regions, so the front door can fail over without a certificate
 * change), the wildcard certificate, and a Gateway API gateway on fixed NodePorts.
 *
 * The Gateway is named `kube-system/cilium-gateway` because that is the Sovereign's contract:
 * HTTPRoutes (fixtures/counter-app) attach to it and readiness checks it is Programmed. On kind,
 * Envoy Gateway implements it (kindnet has no Cilium).
 */
import type { Manifest } from './steps.js';
import { KIND_SOVEREIGN, NODE_PORTS } from './topology.js';

export const CA_SECRET = 'sw-kind-ca';
export const CLUSTER_ISSUER = 'sw-kind-ca';
export const GATEWAY = { namespace: 'kube-system', name: 'cilium-gateway', tlsSecret: 'sovereign-tls' } as const;
const GATEWAY_CLASS = 'sw-envoy';
const ENVOY_PROXY = { namespace: 'envoy-gateway-system', name: 'sw-nodeport' } as const;
const PART_OF = { 'app.kubernetes.io/part-of': 'sovereign-walk' };

export function tlsManifests(): Manifest[] {
  return [
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: CLUSTER_ISSUER, labels: PART_OF },
      spec: { ca: { secretName: CA_SECRET } },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: GATEWAY.tlsSecret, namespace: GATEWAY.namespace, labels: PART_OF },
      spec: {
        secretName: GATEWAY.tlsSecret,
        dnsNames: [KIND_SOVEREIGN, `*.${KIND_SOVEREIGN}`],
        duration: '720h',
        privateKey: { algorithm: 'ECDSA', size: 256 },
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: CLUSTER_ISSUER },
      },
    },
  ];
}

export function gatewayManifests(): Manifest[] {
  return [
    {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'EnvoyProxy',
      metadata: { name: ENVOY_PROXY.name, namespace: ENVOY_PROXY.namespace, labels: PART_OF },
      spec: {
        provider: {
          type: 'Kubernetes',
          kubernetes: {
            envoyService: {
              type: 'NodePort',
              // Fixed NodePorts: the front door reaches every node of a region on the same port.
              patch: {
                type: 'StrategicMerge',
                value: { spec: { ports: [{ port: 80, nodePort: NODE_PORTS.http }, { port: 443, nodePort: NODE_PORTS.https }] } },
              },
            },
          },
        },
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: GATEWAY_CLASS, labels: PART_OF },
      spec: {
        controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
        parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: ENVOY_PROXY.name, namespace: ENVOY_PROXY.namespace },
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: GATEWAY.name, namespace: GATEWAY.namespace, labels: PART_OF },
      spec: {
        gatewayClassName: GATEWAY_CLASS,
        listeners: [
          { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } },
          {
            name: 'https',
            protocol: 'HTTPS',
            port: 443,
            tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: GATEWAY.tlsSecret }] },
            allowedRoutes: { namespaces: { from: 'All' } },
          },
        ],
      },
    },
  ];
}

/** NATS (slot bp-nats-jetstream, release `nats`) on a fixed NodePort for the front door. */
export function natsNodePortService(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'nats-frontdoor', namespace: 'nats-system', labels: PART_OF },
    spec: {
      type: 'NodePort',
      selector: { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': 'nats', 'app.kubernetes.io/component': 'nats' },
      ports: [{ name: 'nats', port: 4222, targetPort: 4222, nodePort: NODE_PORTS.nats }],
    },
  };
}
