// Source: Gateway API v1 (a route attaches to a listener when its parentRef names the Gateway
// and, if set, the listener's sectionName/port, the listener's allowedRoutes admit the route's
// namespace and kind, and the hostnames intersect) and cilium v1.18+ operator/pkg/gateway-api
// (route parent status: Accepted "Accepted HTTPRoute" and ResolvedRefs "Service reference is
// valid", overwritten by its checks: NotAllowedByListeners, NoMatchingListenerHostname,
// BackendNotFound with the API server's not-found error).
import type { KubeObject } from '../kube-client/api.js';

const GROUP = 'gateway.networking.k8s.io';

export interface Listener {
  name: string;
  port: number;
  protocol: string;
  hostname?: string;
  allowedRoutes?: { namespaces?: { from?: string }; kinds?: { group?: string; kind: string }[] };
}

export interface ParentRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

interface RouteSpec {
  parentRefs?: ParentRef[];
  hostnames?: string[];
  rules?: { backendRefs?: { group?: string; kind?: string; name: string; namespace?: string }[] }[];
}

export function listenersOf(gw: KubeObject): Listener[] {
  return (gw.spec as { listeners?: Listener[] } | undefined)?.listeners ?? [];
}

function routeSpec(route: KubeObject): RouteSpec {
  return (route.spec ?? {}) as RouteSpec;
}

export function refersTo(ref: ParentRef, route: KubeObject, gw: KubeObject): boolean {
  return (ref.group ?? GROUP) === GROUP && (ref.kind ?? 'Gateway') === 'Gateway' && ref.name === gw.metadata.name && (ref.namespace ?? route.metadata.namespace) === gw.metadata.namespace;
}

function hostnamesIntersect(listener: string, route: string): boolean {
  if (listener === route) return true;
  const wild = (h: string) => h.startsWith('*.');
  if (wild(listener) && !wild(route)) return route.endsWith(listener.slice(1));
  if (wild(route) && !wild(listener)) return listener.endsWith(route.slice(1));
  return wild(listener) && wild(route) && (listener.endsWith(route.slice(1)) || route.endsWith(listener.slice(1)));
}

function hostnameMatches(l: Listener, route: KubeObject): boolean {
  const hosts = routeSpec(route).hostnames ?? [];
  return !l.hostname || hosts.length === 0 || hosts.some((h) => hostnamesIntersect(l.hostname!, h));
}

function namespaceAllowed(l: Listener, route: KubeObject, gw: KubeObject): boolean {
  const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
  return from === 'All' || (from === 'Same' && route.metadata.namespace === gw.metadata.namespace);
}

/** HTTP and HTTPS listeners take HTTPRoutes, unless their allowedRoutes.kinds say otherwise. */
export function takesHttpRoutes(l: Listener): boolean {
  const kinds = l.allowedRoutes?.kinds;
  if (kinds?.length) return kinds.some((k) => (k.group ?? GROUP) === GROUP && k.kind === 'HTTPRoute');
  return l.protocol === 'HTTP' || l.protocol === 'HTTPS';
}

/** Listeners of `gw` a parentRef of `route` selects. */
function selected(ref: ParentRef, gw: KubeObject): Listener[] {
  return listenersOf(gw).filter((l) => (ref.sectionName === undefined || ref.sectionName === l.name) && (ref.port === undefined || ref.port === l.port));
}

export function attaches(route: KubeObject, gw: KubeObject, l: Listener): boolean {
  return (routeSpec(route).parentRefs ?? []).some((ref) => refersTo(ref, route, gw) && selected(ref, gw).includes(l)) && takesHttpRoutes(l) && namespaceAllowed(l, route, gw) && hostnameMatches(l, route);
}

export interface Check {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** The Accepted and ResolvedRefs conditions cilium writes for one Gateway parent of `route`. */
export function routeChecks(route: KubeObject, gw: KubeObject, ref: ParentRef, services: (namespace: string, name: string) => boolean): { accepted: Check; resolved: Check } {
  const candidates = selected(ref, gw).filter(takesHttpRoutes);
  let accepted: Check = { status: 'True', reason: 'Accepted', message: 'Accepted HTTPRoute' };
  if (!candidates.some((l) => namespaceAllowed(l, route, gw))) accepted = { status: 'False', reason: 'NotAllowedByListeners', message: 'HTTPRoute is not allowed' };
  else if (!candidates.some((l) => namespaceAllowed(l, route, gw) && hostnameMatches(l, route))) accepted = { status: 'False', reason: 'NoMatchingListenerHostname', message: 'No matching listener hostname' };
  const ns = route.metadata.namespace ?? '';
  const missing = (routeSpec(route).rules ?? [])
    .flatMap((r) => r.backendRefs ?? [])
    .find((b) => (b.kind ?? 'Service') === 'Service' && !b.group && !services(b.namespace ?? ns, b.name));
  const resolved: Check = missing
    ? { status: 'False', reason: 'BackendNotFound', message: `services "${missing.name}" not found` }
    : { status: 'True', reason: 'ResolvedRefs', message: 'Service reference is valid' };
  return { accepted, resolved };
}
