/**
 * Kit surfaces: when a slot's HelmRelease first becomes Ready in a region, what its chart
 * would create appears there (workloads, Services, HTTPRoutes, custom resources, served
 * types), and its HTTP, service-proxy and exec endpoints start answering. Everything is derived
 * from the kit's surface checks; `surface-down:<slot>` makes the installed surface fail.
 */
import type { SimContext, SimRegion } from '../context.js';
import { seedCrd } from '../cluster/seed.js';
import { FLUX_NS, SLOT_LABEL } from '../flux/model.js';
import type { ObjectStore } from '../kube/store.js';
import type { KubeObject } from '../kube/types.js';
import { noEndpoints, regionHooks } from '../region-hooks.js';
import { HELMRELEASE_TYPE, kitResourceTypes, type SimResourceType } from '../resources.js';
import { ensure, ensureNamespace, inform, isTrue, record, rfc3339, writeStatus } from '../runtime/objects.js';
import { execAnswer, sameCommand } from './exec.js';
import { healthyAnswer, NO_HEALTHY_UPSTREAM, type HttpCheck } from './http.js';
import { applyObjects } from './objects.js';
import { execWorkload, planSlot, publicUrl, releaseAnnotations, releaseLabels, serviceRef, type SlotPlan, type WorkloadKind } from './plan.js';
import { applyService, applyWorkload } from './workloads.js';

const MANAGER = 'helm-controller';
const BACKEND_PORT = 8080;
const ROLLOUT_KINDS: Record<string, WorkloadKind> = { deployment: 'Deployment', statefulset: 'StatefulSet', daemonset: 'DaemonSet' };

function isHttp(plan: SlotPlan): plan is SlotPlan & { check: HttpCheck } {
  return plan.check.kind === 'http-json' || plan.check.kind === 'http-status' || plan.check.kind === 'http-text';
}

function pathMatches(prefix: string, path: string): boolean {
  // Clients may percent-encode the proxied path (client-node sends `-%2Fhealthy`); the apiserver decodes it.
  const bare = safeDecode(path.split('?')[0]);
  return prefix === '/' || bare === prefix || bare.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function applyRoute(store: ObjectStore, plan: SlotPlan, host: string, path: string): void {
  ensureNamespace(store, plan.namespace, MANAGER);
  const parentRef = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'cilium-gateway', namespace: 'kube-system' };
  const route = ensure(
    store,
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: plan.component, namespace: plan.namespace, labels: releaseLabels(plan, plan.component), annotations: releaseAnnotations(plan) },
      spec: {
        parentRefs: [parentRef],
        hostnames: [host],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: path } }], backendRefs: [{ group: '', kind: 'Service', name: plan.component, port: BACKEND_PORT, weight: 1 }] }],
      },
    },
    MANAGER,
  );
  if (record(route.status).parents) return;
  writeStatus(store, route, 'cilium-operator', (o) => {
    const now = rfc3339();
    const cond = (type: string, reason: string, message: string) => ({ type, status: 'True', reason, message, lastTransitionTime: now, observedGeneration: o.metadata.generation });
    o.status = {
      parents: [
        {
          parentRef,
          controllerName: 'io.cilium/gateway-controller',
          conditions: [cond('Accepted', 'Accepted', 'Accepted HTTPRoute'), cond('ResolvedRefs', 'ResolvedRefs', 'Service reference is valid')],
        },
      ],
    };
  });
}

export async function installSurfaces(ctx: SimContext): Promise<void> {
  const placeholder = ctx.kit.sovPlaceholder ?? '<sov>';
  const plans = ctx.kit.slots.map((s) => planSlot(s, ctx.sovereign)).filter((p): p is SlotPlan => p !== undefined);
  const byRelease = new Map(plans.map((p) => [p.releaseName, p]));
  const servedBy = new Map<string, SimResourceType>();
  for (const { rt, servedBy: slot } of kitResourceTypes(ctx.kit)) if (slot) servedBy.set(slot, rt);
  const healthy = (plan: SlotPlan) => !ctx.faultActive('surface-down', plan.slot.name);
  const installed = new Map(ctx.regions.map((r) => [r.name, new Set<string>()]));
  const live = (region: SimRegion, plan: SlotPlan) => (installed.get(region.name)?.has(plan.slot.name) ?? false) && healthy(plan);
  const ours = (host: string) => [ctx.sovereign, ctx.poolDomain].some((d) => host === d || host.endsWith(`.${d}`));

  // The Sovereign's public endpoints are served from the primary region.
  for (const plan of plans) {
    if (!isHttp(plan) || plan.check.inCluster) continue;
    const { host, path } = publicUrl(plan.check.url, placeholder, ctx.sovereign);
    if (!ours(host)) continue;
    const check = plan.check;
    ctx.web.route(
      host,
      (req, res) => {
        req.resume();
        const answer = live(ctx.primary, plan) ? healthyAnswer(check, plan.component, req.headers) : NO_HEALTHY_UPSTREAM;
        res.writeHead(answer.status, answer.headers).end(answer.body);
      },
      { paths: [path] },
    );
  }

  for (const region of ctx.regions) {
    const { store } = region;
    const hooks = regionHooks(region);
    const waitingForType: SlotPlan[] = [];
    let stopped = false;

    const install = (plan: SlotPlan) => {
      const check = plan.check;
      switch (check.kind) {
        case 'rollout':
          applyWorkload(store, plan, { kind: ROLLOUT_KINDS[check.workload], namespace: check.namespace, name: check.name, container: check.name });
          return;
        case 'exec':
          applyWorkload(store, plan, execWorkload(check.namespace, check.target, check.container));
          return;
        case 'api-resource-served': {
          const rt = servedBy.get(plan.slot.name);
          if (!rt || !healthy(plan)) return;
          store.registerType(rt);
          seedCrd(store, rt);
          for (const waiting of waitingForType.splice(0)) install(waiting);
          return;
        }
        case 'resource-condition':
        case 'resource-field':
        case 'resource-exists':
        case 'resource-nonempty':
          if (!applyObjects(store, plan, check, healthy(plan))) waitingForType.push(plan);
          return;
        default: {
          if (check.inCluster) {
            const svc = serviceRef(check.url);
            applyWorkload(store, plan, { kind: 'Deployment', namespace: svc.namespace, name: svc.name, container: svc.name, port: svc.port });
            applyService(store, plan, svc);
            return;
          }
          const { host, path } = publicUrl(check.url, placeholder, ctx.sovereign);
          applyWorkload(store, plan, { kind: 'Deployment', namespace: plan.namespace, name: plan.component, container: plan.component, port: BACKEND_PORT });
          applyService(store, plan, { namespace: plan.namespace, name: plan.component, port: BACKEND_PORT });
          applyRoute(store, plan, host, path);
        }
      }
    };

    const removers = [
      hooks.addPodHealthRule((pod) => {
        const plan = byRelease.get(pod.metadata.labels?.['app.kubernetes.io/instance'] ?? '');
        if (!plan || healthy(plan)) return undefined;
        const container = String(record((record(pod.spec).containers as unknown[] | undefined)?.[0]).name ?? plan.component);
        return { reason: 'CrashLoopBackOff', message: `back-off 40s restarting failed container=${container} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` };
      }),
      hooks.addServiceProxy((req) => {
        for (const plan of plans) {
          if (!isHttp(plan) || !plan.check.inCluster) continue;
          const svc = serviceRef(plan.check.url);
          if (req.namespace !== svc.namespace || req.service !== svc.name || !pathMatches(svc.path, req.path)) continue;
          if (req.port !== undefined && req.port !== String(svc.port) && req.port !== 'http') continue;
          if (!live(region, plan)) return noEndpoints(svc.name);
          return healthyAnswer(plan.check, plan.component, req.headers);
        }
        return undefined;
      }),
      hooks.addExec((req) => {
        const pod = store.get('v1', 'Pod', req.namespace, req.pod);
        for (const plan of plans) {
          if (plan.check.kind !== 'exec' || plan.check.namespace !== req.namespace || !sameCommand(plan.check.command, req.command)) continue;
          const ref = execWorkload(plan.check.namespace, plan.check.target, plan.check.container);
          const member = ref.kind === 'Pod' ? req.pod === ref.name : belongsTo(pod, plan, ref.name);
          if (member && installed.get(region.name)?.has(plan.slot.name)) return execAnswer(plan.check, plan.component, healthy(plan));
        }
        return undefined;
      }),
    ];

    const unsubscribe = inform(
      store,
      HELMRELEASE_TYPE,
      (type, hr) => {
        const plan = byRelease.get(hr.metadata.name);
        const done = installed.get(region.name);
        if (type === 'DELETED' || !plan || !done || done.has(plan.slot.name) || !hr.metadata.labels?.[SLOT_LABEL] || !isTrue(hr, 'Ready')) return;
        done.add(plan.slot.name);
        // Apply after the status write that made the release Ready has been delivered to everyone.
        setImmediate(() => {
          if (stopped) return;
          try {
            install(plan);
          } catch (err) {
            process.stderr.write(`[sim ${region.name}] surface of ${plan.slot.name}: ${(err as Error)?.message ?? String(err)}\n`);
          }
        });
      },
      { namespace: FLUX_NS },
    );
    ctx.onStop(() => {
      stopped = true;
      unsubscribe();
      for (const remove of removers) remove();
    });
  }
}

function belongsTo(pod: KubeObject | undefined, plan: SlotPlan, workload: string): boolean {
  const labels = pod?.metadata.labels ?? {};
  return labels['app.kubernetes.io/name'] === workload && labels['app.kubernetes.io/instance'] === plan.releaseName;
}
