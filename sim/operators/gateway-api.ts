// Source: the two Gateway API controllers of a Sovereign, chosen by each GatewayClass's
// controllerName; a class whose controller does not run gets no status, nor do its Gateways.
// Cilium (io.cilium/gateway-controller, in the cilium-operator Deployment; operator/pkg/gateway-api):
// GatewayClass Accepted "Valid GatewayClass"; Gateway Accepted "Gateway successfully scheduled",
// Programmed "Gateway successfully reconciled" once its LoadBalancer Service
// `cilium-gateway-<name>` has an address, else Programmed=False ListenersNotReady "Address is not
// ready"; listeners Programmed/Accepted/ResolvedRefs; HTTPRoute parents (gateway-routes.ts).
// STUNner (stunner.l7mp.io/gateway-operator; internal/renderer): a class needs its GatewayConfig
// (parametersRef), else the class is Accepted=False InvalidParameters and its Gateways
// Programmed=False Invalid; a Gateway is Programmed once its LoadBalancer Service `<name>` has a
// public address, else AddressNotAssigned. `workload` is STUNner's operator, the one a kit chart
// installs with this group; cilium-operator comes with Cilium.
import type { KubeObject } from '../kube-client/api.js';
import { condition, rfc3339, type ConditionSpec } from './conditions.js';
import { attaches, listenersOf, refersTo, routeChecks, type Listener, type ParentRef } from './gateway-routes.js';
import type { OperatorModel, OperatorWorld } from './types.js';

const GROUP = 'gateway.networking.k8s.io';
const V1 = `${GROUP}/v1`;
const CILIUM = 'io.cilium/gateway-controller';
const STUNNER = 'stunner.l7mp.io/gateway-operator';
const CONTROLLERS: Record<string, { namespace: string; name: string }> = {
  [CILIUM]: { namespace: 'kube-system', name: 'cilium-operator' },
  [STUNNER]: { namespace: 'stunner-system', name: 'stunner-gateway-operator-controller-manager' },
};
const STUNNER_PROTOCOLS = ['UDP', 'TURN-UDP', 'TCP', 'TURN-TCP', 'TLS', 'TURN-TLS', 'DTLS', 'TURN-DTLS'];
const CILIUM_KINDS: Record<string, string> = { HTTP: 'HTTPRoute', HTTPS: 'HTTPRoute', TLS: 'TLSRoute', TCP: 'TCPRoute', UDP: 'UDPRoute' };

interface ClassSpec {
  controllerName?: string;
  parametersRef?: { group?: string; kind?: string; name?: string; namespace?: string };
}

/** The running controller of a GatewayClass, by its controllerName. */
function controllerOf(gc: KubeObject | undefined, world: OperatorWorld): string | undefined {
  const name = (gc?.spec as ClassSpec | undefined)?.controllerName ?? '';
  const w = CONTROLLERS[name];
  return w && world.workloadReady('Deployment', w.namespace, w.name) ? name : undefined;
}

function classOf(gw: KubeObject, world: OperatorWorld): KubeObject | undefined {
  return world.get(V1, 'GatewayClass', undefined, (gw.spec as { gatewayClassName?: string } | undefined)?.gatewayClassName ?? '');
}

/** STUNner skips a class whose parametersRef is not a GatewayConfig reference. */
function stunnerValid(gc: KubeObject): boolean {
  const ref = (gc.spec as ClassSpec | undefined)?.parametersRef;
  return !!ref && ref.group === 'stunner.l7mp.io' && ref.kind === 'GatewayConfig' && !!ref.name && !!ref.namespace;
}

function gatewayConfigError(gc: KubeObject, world: OperatorWorld): string | undefined {
  const ref = (gc.spec as ClassSpec).parametersRef!;
  return world.get('stunner.l7mp.io/v1', 'GatewayConfig', ref.namespace, ref.name!) ? undefined : `no GatewayConfig found for name: ${ref.namespace}/${ref.name}`;
}

/** The address of the LoadBalancer Service a controller provisions for a Gateway. */
function lbAddress(world: OperatorWorld, namespace: string | undefined, service: string): { type: string; value: string } | undefined {
  const svc = world.get('v1', 'Service', namespace, service);
  const ingress = (svc?.status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } | undefined)?.loadBalancer?.ingress?.[0];
  if (ingress?.ip) return { type: 'IPAddress', value: ingress.ip };
  if (ingress?.hostname) return { type: 'Hostname', value: ingress.hostname };
  return undefined;
}

function listenerCondition(gw: KubeObject, listener: string, c: ConditionSpec): Record<string, unknown> {
  const before = ((gw.status?.listeners ?? []) as { name: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[] }[])
    .find((l) => l.name === listener)?.conditions?.find((x) => x.type === c.type);
  return { ...c, lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : rfc3339(), observedGeneration: gw.metadata.generation };
}

function ciliumGateway(gw: KubeObject, world: OperatorWorld): Record<string, unknown> {
  const address = lbAddress(world, gw.metadata.namespace, `cilium-gateway-${gw.metadata.name}`);
  const routes = world.list(V1, 'HTTPRoute');
  return {
    ...(address ? { addresses: [address] } : {}),
    conditions: [
      condition(gw, { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Gateway successfully scheduled' }),
      condition(gw, address
        ? { type: 'Programmed', status: 'True', reason: 'Programmed', message: 'Gateway successfully reconciled' }
        : { type: 'Programmed', status: 'False', reason: 'ListenersNotReady', message: 'Address is not ready' }),
    ],
    listeners: listenersOf(gw).map((l: Listener) => ({
      name: l.name,
      supportedKinds: CILIUM_KINDS[l.protocol] ? [{ group: GROUP, kind: CILIUM_KINDS[l.protocol] }] : [],
      attachedRoutes: routes.filter((r) => attaches(r, gw, l)).length,
      conditions: [
        listenerCondition(gw, l.name, { type: 'Programmed', status: 'True', reason: 'Programmed', message: 'Listener Programmed' }),
        listenerCondition(gw, l.name, { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Listener Accepted' }),
        listenerCondition(gw, l.name, { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'Resolved Refs' }),
      ],
    })),
  };
}

function stunnerGateway(gw: KubeObject, gc: KubeObject, world: OperatorWorld): Record<string, unknown> {
  const err = gatewayConfigError(gc, world);
  const address = err ? undefined : lbAddress(world, gw.metadata.namespace, gw.metadata.name);
  const routes = world.list('stunner.l7mp.io/v1', 'UDPRoute');
  const programmed: ConditionSpec = err
    ? { type: 'Programmed', status: 'False', reason: 'Invalid', message: `error processing gateway by controller "${STUNNER}": ${err}` }
    : address
      ? { type: 'Programmed', status: 'True', reason: 'Programmed', message: 'dataplane configuration successfully rendered' }
      : { type: 'Programmed', status: 'False', reason: 'AddressNotAssigned', message: 'no public address found for at least one listener' };
  return {
    ...(err ? {} : { addresses: address ? [address] : [] }),
    conditions: [condition(gw, { type: 'Accepted', status: 'True', reason: 'Accepted', message: `gateway accepted by controller ${STUNNER}` }), condition(gw, programmed)],
    listeners: listenersOf(gw).map((l) => {
      const supported = STUNNER_PROTOCOLS.includes(l.protocol);
      return {
        name: l.name,
        supportedKinds: [{ group: GROUP, kind: 'UDPRoute' }, { group: 'stunner.l7mp.io', kind: 'UDPRoute' }],
        attachedRoutes: err || !supported ? 0 : routes.filter((r) => ((r.spec as { parentRefs?: ParentRef[] } | undefined)?.parentRefs ?? []).some((p) => refersTo(p, r, gw) && (p.sectionName ?? l.name) === l.name)).length,
        conditions: [
          listenerCondition(gw, l.name, supported
            ? { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'listener accepted' }
            : { type: 'Accepted', status: 'False', reason: 'UnsupportedProtocol', message: 'unsupported protocol' }),
          listenerCondition(gw, l.name, { type: 'Conflicted', status: 'False', reason: 'NoConflicts', message: 'listener protocol-port available' }),
          listenerCondition(gw, l.name, { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'listener object references sucessfully resolved' }),
        ],
      };
    }),
  };
}

function classStatus(gc: KubeObject, controller: string, world: OperatorWorld): Record<string, unknown> | undefined {
  if (controller === CILIUM) return { conditions: [condition(gc, { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Valid GatewayClass' })] };
  if (!stunnerValid(gc)) return undefined;
  const err = gatewayConfigError(gc, world);
  return {
    conditions: [condition(gc, err
      ? { type: 'Accepted', status: 'False', reason: 'InvalidParameters', message: `controller "${STUNNER}" failed to process GatewayClass: ${err}` }
      : { type: 'Accepted', status: 'True', reason: 'Accepted', message: `GatewayClass is now managed by controller "${STUNNER}"` })],
  };
}

/** HTTPRoute parent statuses for the Gateways a running cilium controls; other controllers' entries are kept. */
function routeStatus(route: KubeObject, world: OperatorWorld): Record<string, unknown> | undefined {
  const services = (ns: string, name: string) => !!world.get('v1', 'Service', ns, name);
  const ours: Record<string, unknown>[] = [];
  for (const ref of (route.spec as { parentRefs?: ParentRef[] } | undefined)?.parentRefs ?? []) {
    const gw = world.get(V1, 'Gateway', ref.namespace ?? route.metadata.namespace, ref.name);
    if (!gw || !refersTo(ref, route, gw) || controllerOf(classOf(gw, world), world) !== CILIUM) continue;
    const { accepted, resolved } = routeChecks(route, gw, ref, services);
    const before = ((route.status?.parents ?? []) as { parentRef: ParentRef; conditions?: { type: string; status: string; lastTransitionTime?: string }[] }[])
      .find((p) => JSON.stringify(p.parentRef) === JSON.stringify(ref));
    const cond = (type: string, c: typeof accepted) => {
      const prev = before?.conditions?.find((x) => x.type === type);
      return { type, ...c, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : rfc3339(), observedGeneration: route.metadata.generation };
    };
    ours.push({ parentRef: ref, controllerName: CILIUM, conditions: [cond('Accepted', accepted), cond('ResolvedRefs', resolved)] });
  }
  if (!ours.length) return undefined;
  const others = ((route.status?.parents ?? []) as { controllerName?: string }[]).filter((p) => p.controllerName !== CILIUM);
  return { parents: [...others, ...ours] };
}

function lbService(gw: KubeObject, name: string, labels: Record<string, string>, ports: Record<string, unknown>[], selector?: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: gw.metadata.namespace, labels }, spec: { type: 'LoadBalancer', ...(selector ? { selector } : {}), ports } };
}

function stunnerClass(namespace: string): Record<string, unknown> {
  return {
    controllerName: STUNNER,
    parametersRef: { group: 'stunner.l7mp.io', kind: 'GatewayConfig', name: 'stunner-gatewayconfig', namespace },
    description: 'STUNner is a WebRTC media gateway for Kubernetes',
  };
}

export const gatewayApi: OperatorModel = {
  group: GROUP,
  kinds: { Gateway: 'v1', HTTPRoute: 'v1', GatewayClass: 'v1' },
  crdGroups: ['stunner.l7mp.io'],
  watches: [['stunner.l7mp.io/v1', 'GatewayConfig']],
  workload: { kind: 'Deployment', ...CONTROLLERS[STUNNER] },
  companions: (kind, _name, namespace) =>
    kind === 'Gateway' && namespace === 'stunner'
      ? [
          { apiVersion: V1, kind: 'GatewayClass', metadata: { name: 'stunner-gatewayclass' }, spec: stunnerClass(namespace) },
          { apiVersion: 'stunner.l7mp.io/v1', kind: 'GatewayConfig', metadata: { name: 'stunner-gatewayconfig', namespace }, spec: { realm: 'stunner.l7mp.io', authType: 'static', userName: 'user-1', password: 'pass-1' } },
        ]
      : [],
  sample(kind, name, namespace, sovereign) {
    if (kind === 'GatewayClass') return { spec: stunnerClass('stunner') };
    if (kind === 'HTTPRoute') {
      return { spec: { parentRefs: [{ name: 'cilium-gateway', namespace: 'kube-system' }], hostnames: [`${name}.${sovereign}`], rules: [{ backendRefs: [{ name, port: 8080 }] }] } };
    }
    return namespace === 'stunner'
      ? { spec: { gatewayClassName: 'stunner-gatewayclass', listeners: [{ name: 'udp-listener', port: 3478, protocol: 'TURN-UDP' }] } }
      : {
          spec: {
            gatewayClassName: 'cilium',
            listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', hostname: `*.${sovereign}`, tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'sovereign-wildcard-tls' }] }, allowedRoutes: { namespaces: { from: 'All' } } }],
          },
        };
  },
  owned(obj, world) {
    if (obj.kind !== 'Gateway') return undefined;
    const gc = classOf(obj, world);
    const controller = controllerOf(gc, world);
    const name = obj.metadata.name;
    const ns = obj.metadata.namespace ?? '';
    const listeners = listenersOf(obj);
    if (controller === CILIUM) {
      const ports = [...new Set(listeners.map((l) => l.port))].map((port) => ({ name: `port-${port}`, port, protocol: 'TCP' }));
      return [lbService(obj, `cilium-gateway-${name}`, { 'gateway.networking.k8s.io/gateway-name': name, 'io.cilium.gateway/owning-gateway': name }, ports)];
    }
    if (controller !== STUNNER || !stunnerValid(gc!) || gatewayConfigError(gc!, world)) return undefined;
    const related = { 'stunner.l7mp.io/related-gateway-name': name, 'stunner.l7mp.io/related-gateway-namespace': ns };
    const ports = listeners.map((l) => ({ name: l.name, port: l.port, protocol: /UDP|DTLS/.test(l.protocol) ? 'UDP' : 'TCP' }));
    return [lbService(obj, name, { 'stunner.l7mp.io/owned-by': 'stunner', ...related }, ports, { app: 'stunner', ...related })];
  },
  status(obj, world) {
    if (obj.kind === 'HTTPRoute') return routeStatus(obj, world);
    if (obj.kind === 'GatewayClass') {
      const controller = controllerOf(obj, world);
      return controller ? classStatus(obj, controller, world) : undefined;
    }
    const gc = classOf(obj, world);
    const controller = controllerOf(gc, world);
    if (controller === CILIUM) return ciliumGateway(obj, world);
    if (controller === STUNNER && stunnerValid(gc!)) return stunnerGateway(obj, gc!, world);
    return undefined;
  },
};
