/**
 * What several sim modules plug into one region's API server: exec into pods, the service
 * proxy, and how the kubelet model starts a pod. The API server takes one handler of each;
 * these dispatchers let every module claim its own pods and services.
 */
import type { ExecRequest, ExecResult } from './kube/exec.js';
import type { ServiceProxyRequest, ServiceProxyResponse } from './kube/proxy.js';
import type { ObjectStore } from './kube/store.js';
import type { KubeObject } from './kube/types.js';
import type { SimRegion } from './context.js';

/** Answers exec for the pods it knows, undefined for the others. */
export type ExecRoute = (req: ExecRequest) => Promise<ExecResult | undefined> | ExecResult | undefined;
/** Answers proxied requests for the services it knows, undefined for the others. */
export type ProxyRoute = (req: ServiceProxyRequest) => Promise<ServiceProxyResponse | undefined> | ServiceProxyResponse | undefined;

/** Why a pod's container cannot run (the kubelet model asks when a pod starts). */
export interface PodFailure {
  /** `CrashLoopBackOff` keeps the pod Running but not Ready; `ImagePullBackOff`/`ErrImagePull` keep it Pending. */
  reason: 'CrashLoopBackOff' | 'ImagePullBackOff' | 'ErrImagePull' | 'CreateContainerConfigError';
  message: string;
}
export type PodHealthRule = (pod: KubeObject) => PodFailure | undefined;

export interface RegionHooks {
  addExec(route: ExecRoute): () => void;
  addServiceProxy(route: ProxyRoute): () => void;
  addPodHealthRule(rule: PodHealthRule): () => void;
  /** The first failure any rule reports for the pod. */
  podFailure(pod: KubeObject): PodFailure | undefined;
}

const hooks = new WeakMap<SimRegion['api'], RegionHooks>();

function registry<T>(list: T[], item: T): () => void {
  list.push(item);
  return () => {
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
  };
}

function statusBody(code: number, reason: string, message: string, details?: Record<string, string>): ServiceProxyResponse {
  return {
    status: code,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code }),
  };
}

/** Installs the dispatchers on the region's API server (once) and returns them. */
export function regionHooks(region: Pick<SimRegion, 'api' | 'store'>): RegionHooks {
  const known = hooks.get(region.api);
  if (known) return known;
  const execs: ExecRoute[] = [];
  const proxies: ProxyRoute[] = [];
  const rules: PodHealthRule[] = [];
  const store: ObjectStore = region.store;

  region.api.setExecHandler(async (req) => {
    const pod = store.get('v1', 'Pod', req.namespace, req.pod);
    if (!pod) throw new Error(`pods "${req.pod}" not found`);
    for (const route of [...execs]) {
      const answer = await route(req);
      if (answer) return answer;
    }
    const binary = req.command[0] ?? '';
    return {
      stdout: '',
      stderr: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${binary}": executable file not found in $PATH: unknown\r\n`,
      exitCode: 126,
    };
  });

  region.api.setServiceProxyHandler(async (req) => {
    if (!store.get('v1', 'Service', req.namespace, req.service)) {
      return statusBody(404, 'NotFound', `services "${req.service}" not found`, { name: req.service, kind: 'services' });
    }
    for (const route of [...proxies]) {
      const answer = await route(req);
      if (answer) return answer;
    }
    return statusBody(503, 'ServiceUnavailable', `no endpoints available for service "${req.service}"`);
  });

  const h: RegionHooks = {
    addExec: (route) => registry(execs, route),
    addServiceProxy: (route) => registry(proxies, route),
    addPodHealthRule: (rule) => registry(rules, rule),
    podFailure: (pod) => {
      for (const rule of rules) {
        const failure = rule(pod);
        if (failure) return failure;
      }
      return undefined;
    },
  };
  hooks.set(region.api, h);
  return h;
}

/** A Status answer the service proxy gives when a service has no ready endpoints. */
export function noEndpoints(service: string): ServiceProxyResponse {
  return statusBody(503, 'ServiceUnavailable', `no endpoints available for service "${service}"`);
}
