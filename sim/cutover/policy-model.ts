/**
 * The sim's network policy model: whether a workload in a namespace may open a connection to
 * an endpoint, given the CiliumClusterwideNetworkPolicies and Kubernetes NetworkPolicies in a
 * region's store. Cilium semantics that matter here: a deny rule wins; an endpoint selected by
 * a policy with default-deny egress (explicit, or implied by egress rules) may only reach what
 * some selecting policy allows; toEntities / toCIDR(Set) / toFQDNs / toEndpoints / toPorts.
 * Simplifications: selectors on pod labels other than the namespace are assumed to select
 * (the model has no pod labels), and `endpointSelector: {}` also covers the node's own pulls.
 */
import type { ObjectStore } from '../kube/store.js';
import type { KubeObject } from '../kube/types.js';
import { record } from '../runtime/objects.js';
import { inCidr, NODE_SOURCE, type Endpoint } from './dns.js';

const NS_KEYS = ['k8s:io.kubernetes.pod.namespace', 'io.kubernetes.pod.namespace'];
const CCNP: [string, string] = ['cilium.io/v2', 'CiliumClusterwideNetworkPolicy'];
const NETPOL: [string, string] = ['networking.k8s.io/v1', 'NetworkPolicy'];

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function selects(selector: unknown, namespace: string): boolean {
  const labels = record(record(selector).matchLabels) as Record<string, string>;
  for (const k of NS_KEYS) if (k in labels && labels[k] !== namespace) return false;
  return true;
}

function fqdnMatches(rule: Record<string, unknown>, host: string): boolean {
  if (typeof rule.matchName === 'string') return rule.matchName.toLowerCase().replace(/\.$/, '') === host;
  if (typeof rule.matchPattern === 'string') {
    const re = new RegExp(`^${rule.matchPattern.toLowerCase().replace(/\.$/, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[-a-z0-9.]*')}$`);
    return re.test(host);
  }
  return false;
}

function entityMatches(entity: string, ep: Endpoint): boolean {
  switch (entity) {
    case 'all':
      return true;
    case 'world':
    case 'world-ipv4':
      return ep.entity === 'world';
    case 'cluster':
      return ep.entity !== 'world';
    case 'kube-apiserver':
      return ep.entity === 'kube-apiserver';
    default:
      return false;
  }
}

function portsMatch(toPorts: unknown, ep: Endpoint): boolean {
  const rules = list(toPorts);
  if (!rules.length) return true;
  return rules.some((r) =>
    list(record(r).ports).some((p) => {
      const port = record(p);
      const proto = String(port.protocol ?? 'ANY').toUpperCase();
      const from = Number(port.port ?? 0);
      const to = Number(port.endPort ?? from);
      return (proto === 'ANY' || proto === ep.protocol) && (from === 0 || (ep.port >= from && ep.port <= to));
    }),
  );
}

/** A Cilium egress (or egressDeny) rule: its L3 part (if any) and its ports must both match. */
function ciliumRuleMatches(raw: unknown, ep: Endpoint): boolean {
  const rule = record(raw);
  const l3: boolean[] = [];
  if ('toEntities' in rule) l3.push(list(rule.toEntities).some((e) => entityMatches(String(e), ep)));
  if ('toCIDR' in rule) l3.push(list(rule.toCIDR).some((c) => inCidr(ep.ip, String(c))));
  if ('toCIDRSet' in rule) l3.push(list(rule.toCIDRSet).some((c) => inCidr(ep.ip, String(record(c).cidr)) && !list(record(c).except).some((x) => inCidr(ep.ip, String(x)))));
  if ('toFQDNs' in rule) l3.push(list(rule.toFQDNs).some((f) => fqdnMatches(record(f), ep.host)));
  if ('toEndpoints' in rule || 'toServices' in rule) l3.push(ep.entity !== 'world');
  if (!l3.length && !('toPorts' in rule)) return false;
  return (l3.length === 0 || l3.some(Boolean)) && portsMatch(rule.toPorts, ep);
}

function ciliumVerdict(policies: KubeObject[], namespace: string, ep: Endpoint): boolean {
  const selecting = policies.filter((p) => {
    const spec = record(p.spec);
    return 'endpointSelector' in spec ? selects(spec.endpointSelector, namespace) : namespace === NODE_SOURCE && 'nodeSelector' in spec;
  });
  if (selecting.some((p) => list(record(p.spec).egressDeny).some((r) => ciliumRuleMatches(r, ep)))) return false;
  const isolating = selecting.filter((p) => {
    const spec = record(p.spec);
    const explicit = record(spec.enableDefaultDeny).egress;
    return explicit === true || (explicit === undefined && list(spec.egress).length > 0);
  });
  if (!isolating.length) return true;
  return selecting.some((p) => list(record(p.spec).egress).some((r) => ciliumRuleMatches(r, ep)));
}

function peerMatches(raw: unknown, ep: Endpoint): boolean {
  const peer = record(raw);
  if ('ipBlock' in peer) {
    const b = record(peer.ipBlock);
    return inCidr(ep.ip, String(b.cidr)) && !list(b.except).some((x) => inCidr(ep.ip, String(x)));
  }
  return ep.entity !== 'world';
}

function netpolVerdict(policies: KubeObject[], ep: Endpoint): boolean {
  const egressPolicies = policies.filter((p) => {
    const spec = record(p.spec);
    const types = list(spec.policyTypes).map(String);
    return types.length ? types.includes('Egress') : 'egress' in spec;
  });
  if (!egressPolicies.length) return true;
  return egressPolicies.some((p) =>
    list(record(p.spec).egress).some((r) => {
      const rule = record(r);
      const to = list(rule.to);
      const portsOk = !list(rule.ports).length || list(rule.ports).some((x) => {
        const port = record(x);
        const proto = String(port.protocol ?? 'TCP').toUpperCase();
        const from = Number(port.port ?? 0);
        const end = Number(port.endPort ?? from);
        return proto === ep.protocol && (from === 0 || (ep.port >= from && ep.port <= end));
      });
      return portsOk && (!to.length || to.some((peer) => peerMatches(peer, ep)));
    }),
  );
}

/** Whether a workload in `namespace` (NODE_SOURCE for the node's own traffic) may reach `ep`. */
export function egressAllowed(store: ObjectStore, namespace: string, ep: Endpoint): boolean {
  const ccnps = store.typeFor(...CCNP) ? store.list(...CCNP) : [];
  if (!ciliumVerdict(ccnps, namespace, ep)) return false;
  if (namespace === NODE_SOURCE || !store.typeFor(...NETPOL)) return true;
  return netpolVerdict(store.list(...NETPOL, { namespace }), ep);
}
