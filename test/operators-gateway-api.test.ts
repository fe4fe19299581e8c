import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../sim/kube-client/api.js';
import { gatewayApi as model } from '../sim/operators/gateway-api.js';
import { FakeWorld, conditionOf, service, stored } from './helpers/operator-world.js';
import { assertAccepted, assertStatusAccepted, sampleObject } from './helpers/operator-samples.js';

const V1 = 'gateway.networking.k8s.io/v1';

function asStored(o: Record<string, unknown>): KubeObject {
  const { apiVersion, kind, metadata, ...body } = o as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
  return stored(apiVersion, kind, metadata.name, metadata.namespace, body);
}

function lb(namespace: string, name: string, ip?: string): KubeObject {
  return { ...service(namespace, name, {}, { type: 'LoadBalancer' }), status: { loadBalancer: ip ? { ingress: [{ ip }] } : {} } } as KubeObject;
}

function stunnerWorld(o: { config: boolean; address: boolean }): { world: FakeWorld; gw: KubeObject; gc: KubeObject } {
  const gw = sampleObject(model, 'Gateway', 'stunner', 'stunner');
  const gc = asStored(model.companions!('Gateway', 'stunner', 'stunner')[0]);
  const world = new FakeWorld().operatorUp(model).add(gc, gw, lb('stunner', 'stunner', o.address ? '203.0.113.7' : undefined));
  if (o.config) world.add(stored('stunner.l7mp.io/v1', 'GatewayConfig', 'stunner-gatewayconfig', 'stunner', { spec: { realm: 'stunner.l7mp.io' } }));
  return { world, gw, gc };
}

function ciliumWorld(o: { address: boolean; backend: boolean; routeNamespace?: string }): { world: FakeWorld; gw: KubeObject; route: KubeObject; gc: KubeObject } {
  const gw = sampleObject(model, 'Gateway', 'cilium-gateway', 'kube-system');
  const gc = stored(V1, 'GatewayClass', 'cilium', undefined, { spec: { controllerName: 'io.cilium/gateway-controller' } });
  const ns = o.routeNamespace ?? 'grafana';
  const route = sampleObject(model, 'HTTPRoute', 'grafana', ns);
  const world = new FakeWorld().setReady('Deployment', 'kube-system', 'cilium-operator').add(gc, gw, route, lb('kube-system', 'cilium-gateway-cilium-gateway', o.address ? '203.0.113.1' : undefined));
  if (o.backend) world.add(service(ns, 'grafana', { app: 'grafana' }));
  return { world, gw, route, gc };
}

function pick(c: Record<string, unknown> | undefined): unknown[] {
  return [c?.status, c?.reason, c?.message];
}

describe('gateway.networking.k8s.io model', () => {
  it('renders STUNner and Cilium Gateways, the STUNner GatewayClass and an HTTPRoute that the v1.6.3 CRDs accept', () => {
    assertAccepted(sampleObject(model, 'Gateway', 'stunner', 'stunner'));
    assertAccepted(sampleObject(model, 'Gateway', 'cilium-gateway', 'kube-system'));
    assertAccepted(sampleObject(model, 'HTTPRoute', 'grafana', 'grafana'));
    assertAccepted(sampleObject(model, 'GatewayClass', 'stunner-gatewayclass', undefined));
    for (const c of model.companions!('Gateway', 'stunner', 'stunner')) assertAccepted(c);
    assert.deepEqual(model.companions!('Gateway', 'cilium-gateway', 'kube-system'), []);
  });

  it('STUNner with its GatewayConfig and a public address: class Accepted, Gateway Accepted and Programmed', () => {
    const { world, gw, gc } = stunnerWorld({ config: true, address: true });
    const cls = model.status(gc, world);
    assertStatusAccepted(gc, cls);
    assert.deepEqual(pick(conditionOf(cls, 'Accepted')), ['True', 'Accepted', 'GatewayClass is now managed by controller "stunner.l7mp.io/gateway-operator"']);
    const status = model.status(gw, world)!;
    assertStatusAccepted(gw, status);
    assert.deepEqual(pick(conditionOf(status, 'Accepted')), ['True', 'Accepted', 'gateway accepted by controller stunner.l7mp.io/gateway-operator']);
    assert.deepEqual(pick(conditionOf(status, 'Programmed')), ['True', 'Programmed', 'dataplane configuration successfully rendered']);
    assert.equal(conditionOf(status, 'Programmed')!.observedGeneration, 1);
    assert.deepEqual(status.addresses, [{ type: 'IPAddress', value: '203.0.113.7' }]);
    const [listener] = status.listeners as { name: string; attachedRoutes: number; conditions: Record<string, unknown>[] }[];
    assert.equal(listener.name, 'udp-listener');
    assert.equal(listener.attachedRoutes, 0);
    assert.deepEqual(listener.conditions.map((c) => `${String(c.type)}=${String(c.status)}`), ['Accepted=True', 'Conflicted=False', 'ResolvedRefs=True']);
    const [svc] = model.owned!(gw, world)!;
    assert.deepEqual([svc.kind, (svc.metadata as { name: string }).name, (svc.spec as { type: string; ports: unknown[] }).type, (svc.spec as { ports: unknown[] }).ports], ['Service', 'stunner', 'LoadBalancer', [{ name: 'udp-listener', port: 3478, protocol: 'UDP' }]]);
  });

  it('Cilium with an address: Gateway Programmed, the HTTPRoute Accepted with its Service resolved and attached to the listener', () => {
    const { world, gw, route, gc } = ciliumWorld({ address: true, backend: true });
    assert.deepEqual(pick(conditionOf(model.status(gc, world), 'Accepted')), ['True', 'Accepted', 'Valid GatewayClass']);
    const status = model.status(gw, world)!;
    assertStatusAccepted(gw, status);
    assert.deepEqual(pick(conditionOf(status, 'Accepted')), ['True', 'Accepted', 'Gateway successfully scheduled']);
    assert.deepEqual(pick(conditionOf(status, 'Programmed')), ['True', 'Programmed', 'Gateway successfully reconciled']);
    assert.deepEqual(status.addresses, [{ type: 'IPAddress', value: '203.0.113.1' }]);
    const [listener] = status.listeners as { attachedRoutes: number; supportedKinds: unknown[] }[];
    assert.equal(listener.attachedRoutes, 1);
    assert.deepEqual(listener.supportedKinds, [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }]);

    const rs = model.status(route, world)!;
    assertStatusAccepted(route, rs);
    const [parent] = rs.parents as { controllerName: string; parentRef: unknown; conditions: Record<string, unknown>[] }[];
    assert.equal(parent.controllerName, 'io.cilium/gateway-controller');
    assert.deepEqual(parent.parentRef, { name: 'cilium-gateway', namespace: 'kube-system' });
    assert.deepEqual(parent.conditions.map(pick), [['True', 'Accepted', 'Accepted HTTPRoute'], ['True', 'ResolvedRefs', 'Service reference is valid']]);
  });

  it('a class whose controller is not running: no status for the class, its Gateways or their routes, nothing owned', () => {
    const s = stunnerWorld({ config: true, address: true });
    s.world.setReady('Deployment', model.workload.namespace, model.workload.name, false);
    assert.equal(model.status(s.gw, s.world), undefined);
    assert.equal(model.status(s.gc, s.world), undefined);
    assert.equal(model.owned!(s.gw, s.world), undefined);
    const c = ciliumWorld({ address: true, backend: true });
    c.world.setReady('Deployment', 'kube-system', 'cilium-operator', false);
    assert.equal(model.status(c.gw, c.world), undefined);
    assert.equal(model.status(c.route, c.world), undefined);
  });

  it("STUNner without its GatewayConfig (STUNner's CRDs absent): class not Accepted, Gateway not Programmed", () => {
    const { world, gw, gc } = stunnerWorld({ config: false, address: true });
    const cls = model.status(gc, world);
    assertStatusAccepted(gc, cls);
    assert.deepEqual(pick(conditionOf(cls, 'Accepted')), ['False', 'InvalidParameters', 'controller "stunner.l7mp.io/gateway-operator" failed to process GatewayClass: no GatewayConfig found for name: stunner/stunner-gatewayconfig']);
    const status = model.status(gw, world);
    assertStatusAccepted(gw, status);
    assert.deepEqual(pick(conditionOf(status, 'Programmed')), ['False', 'Invalid', 'error processing gateway by controller "stunner.l7mp.io/gateway-operator": no GatewayConfig found for name: stunner/stunner-gatewayconfig']);
    assert.equal(model.owned!(gw, world), undefined);
  });

  it('no load-balancer address: STUNner AddressNotAssigned, Cilium "Address is not ready"', () => {
    const s = stunnerWorld({ config: true, address: false });
    const ss = model.status(s.gw, s.world);
    assertStatusAccepted(s.gw, ss);
    assert.deepEqual(pick(conditionOf(ss, 'Programmed')), ['False', 'AddressNotAssigned', 'no public address found for at least one listener']);
    const c = ciliumWorld({ address: false, backend: true });
    const cs = model.status(c.gw, c.world);
    assertStatusAccepted(c.gw, cs);
    assert.deepEqual(pick(conditionOf(cs, 'Programmed')), ['False', 'ListenersNotReady', 'Address is not ready']);
  });

  it('route checks: a missing backend Service is BackendNotFound; a namespace the listener does not admit is NotAllowedByListeners', () => {
    const c = ciliumWorld({ address: true, backend: false });
    const [parent] = model.status(c.route, c.world)!.parents as { conditions: Record<string, unknown>[] }[];
    assert.deepEqual(parent.conditions.map(pick)[1], ['False', 'BackendNotFound', 'services "grafana" not found']);

    const same = ciliumWorld({ address: true, backend: true });
    const gw = same.gw as KubeObject & { spec: { listeners: { allowedRoutes?: unknown }[] } };
    gw.spec.listeners[0].allowedRoutes = { namespaces: { from: 'Same' } };
    same.world.add(gw);
    const [p2] = model.status(same.route, same.world)!.parents as { conditions: Record<string, unknown>[] }[];
    assert.deepEqual(p2.conditions.map(pick)[0], ['False', 'NotAllowedByListeners', 'HTTPRoute is not allowed']);
    assert.equal((model.status(gw, same.world)!.listeners as { attachedRoutes: number }[])[0].attachedRoutes, 0);
  });
});
