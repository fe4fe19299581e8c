/**
 * Cilium's egress verdict for one connection, from the region's CiliumClusterwideNetworkPolicies,
 * CiliumNetworkPolicies and Kubernetes NetworkPolicies (Cilium enforces all three): a matching
 * egressDeny rule wins; an endpoint selected by a policy with default-deny egress (explicit, or
 * implied by egress rules) reaches only what some selecting policy allows; toEntities,
 * toCIDR / toCIDRSet, toFQDNs, toEndpoints / toServices and toPorts. A NetworkPolicy of Egress
 * type isolates the pods it selects the same way.
 * Where this differs from Cilium: a selector's pod labels are judged only when the source is a
 * known pod (the Flux controllers are host processes with no pod: only their namespace is known),
 * toEndpoints / toServices and NetworkPolicy peers match every cluster destination, and
 * `endpointSelector: {}` also covers the node's own traffic (image pulls), as Cilium's host
 * firewall would with a matching nodeSelector policy.
 */
import type { KubeObject } from '../kube-client/api.js';
import { inCidr, type Endpoint } from './destinations.js';

/** Who opens the connection: a pod (namespace, labels when known) or the node itself. */
export type Source = { host: true } | { host: false; namespace: string; labels?: Record<string, string> };

export interface PolicySet {
  clusterwide: KubeObject[];
  /** CiliumNetworkPolicies (namespaced). */
  namespaced: KubeObject[];
  networkPolicies: KubeObject[];
}

const NAMESPACE_KEY = 'io.kubernetes.pod.namespace';

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `k8s:io.kubernetes.pod.namespace` → `io.kubernetes.pod.namespace`. */
const bare = (key: string) => key.replace(/^(k8s|any):/, '');

/** The value of a label key for a pod source; undefined = the source's labels are not known. */
function labelValue(src: Extract<Source, { host: false }>, key: string): { known: boolean; value?: string } {
  if (bare(key) === NAMESPACE_KEY) return { known: true, value: src.namespace };
  if (!src.labels) return { known: false };
  return { known: true, value: src.labels[bare(key)] };
}

function selectorMatches(selector: unknown, src: Extract<Source, { host: false }>): boolean {
  const s = rec(selector);
  for (const [k, v] of Object.entries(rec(s.matchLabels))) {
    const l = labelValue(src, k);
    if (l.known && l.value !== String(v)) return false;
  }
  for (const raw of list(s.matchExpressions)) {
    const e = rec(raw);
    const l = labelValue(src, String(e.key ?? ''));
    if (!l.known) continue;
    const values = list(e.values).map(String);
    const ok = e.operator === 'In' ? l.value !== undefined && values.includes(l.value)
      : e.operator === 'NotIn' ? l.value === undefined || !values.includes(l.value)
      : e.operator === 'Exists' ? l.value !== undefined
      : e.operator === 'DoesNotExist' ? l.value === undefined
      : false;
    if (!ok) return false;
  }
  return true;
}

const emptySelector = (s: unknown) => !list(rec(s).matchExpressions).length && !Object.keys(rec(rec(s).matchLabels)).length;

function selects(policy: KubeObject, src: Source): boolean {
  const spec = rec(policy.spec);
  if (src.host) return 'nodeSelector' in spec || ('endpointSelector' in spec && emptySelector(spec.endpointSelector) && !policy.metadata.namespace);
  if (policy.metadata.namespace && policy.metadata.namespace !== src.namespace) return false;
  return 'endpointSelector' in spec && selectorMatches(spec.endpointSelector, src);
}

function fqdnMatches(rule: Record<string, unknown>, host: string): boolean {
  if (typeof rule.matchName === 'string') return rule.matchName.toLowerCase().replace(/\.$/, '') === host;
  if (typeof rule.matchPattern === 'string') {
    const pattern = rule.matchPattern.toLowerCase().replace(/\.$/, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[-a-z0-9.]*');
    return new RegExp(`^${pattern}$`).test(host);
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

function portMatches(raw: unknown, ep: Endpoint, defaultProtocol: string): boolean {
  const port = rec(raw);
  const proto = String(port.protocol ?? defaultProtocol).toUpperCase();
  const from = Number(port.port ?? 0);
  const to = Number(port.endPort ?? from);
  return (proto === 'ANY' || proto === ep.protocol) && (from === 0 || (ep.port >= from && ep.port <= to));
}

function portsMatch(toPorts: unknown, ep: Endpoint): boolean {
  const rules = list(toPorts);
  return !rules.length || rules.some((r) => list(rec(r).ports).some((p) => portMatches(p, ep, 'ANY')));
}

/** An egress (or egressDeny) rule: its L3 part, if any, and its ports must both match. */
function ruleMatches(raw: unknown, ep: Endpoint): boolean {
  const rule = rec(raw);
  const l3: boolean[] = [];
  if ('toEntities' in rule) l3.push(list(rule.toEntities).some((e) => entityMatches(String(e), ep)));
  if ('toCIDR' in rule) l3.push(list(rule.toCIDR).some((c) => inCidr(ep.ip, String(c))));
  if ('toCIDRSet' in rule) l3.push(list(rule.toCIDRSet).some((c) => inCidr(ep.ip, String(rec(c).cidr)) && !list(rec(c).except).some((x) => inCidr(ep.ip, String(x)))));
  if ('toFQDNs' in rule) l3.push(list(rule.toFQDNs).some((f) => fqdnMatches(rec(f), ep.host)));
  if ('toEndpoints' in rule || 'toServices' in rule) l3.push(ep.entity !== 'world');
  if (!l3.length && !('toPorts' in rule)) return false;
  return (!l3.length || l3.some(Boolean)) && portsMatch(rule.toPorts, ep);
}

function ciliumAllows(policies: KubeObject[], src: Source, ep: Endpoint): boolean {
  const selecting = policies.filter((p) => selects(p, src));
  if (selecting.some((p) => list(rec(p.spec).egressDeny).some((r) => ruleMatches(r, ep)))) return false;
  const isolating = selecting.filter((p) => {
    const spec = rec(p.spec);
    const explicit = rec(spec.enableDefaultDeny).egress;
    return explicit === true || (explicit === undefined && list(spec.egress).length > 0);
  });
  return !isolating.length || selecting.some((p) => list(rec(p.spec).egress).some((r) => ruleMatches(r, ep)));
}

function peerMatches(raw: unknown, ep: Endpoint): boolean {
  const peer = rec(raw);
  if ('ipBlock' in peer) {
    const b = rec(peer.ipBlock);
    return inCidr(ep.ip, String(b.cidr)) && !list(b.except).some((x) => inCidr(ep.ip, String(x)));
  }
  return ep.entity !== 'world';
}

function networkPoliciesAllow(policies: KubeObject[], src: Extract<Source, { host: false }>, ep: Endpoint): boolean {
  const isolating = policies.filter((p) => {
    const spec = rec(p.spec);
    const types = list(spec.policyTypes).map(String);
    const egress = types.length ? types.includes('Egress') : 'egress' in spec;
    return egress && p.metadata.namespace === src.namespace && selectorMatches(spec.podSelector, src);
  });
  return !isolating.length || isolating.some((p) => list(rec(p.spec).egress).some((r) => {
    const rule = rec(r);
    const portsOk = !list(rule.ports).length || list(rule.ports).some((x) => portMatches(x, ep, 'TCP'));
    return portsOk && (!list(rule.to).length || list(rule.to).some((peer) => peerMatches(peer, ep)));
  }));
}

export function egressAllowed(p: PolicySet, src: Source, ep: Endpoint): boolean {
  if (!ciliumAllows([...p.clusterwide, ...p.namespaced], src, ep)) return false;
  return src.host || networkPoliciesAllow(p.networkPolicies, src, ep);
}
