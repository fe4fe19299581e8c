/**
 * What an operator sees when it dials a backend through a cluster Service: an answer only while
 * some Ready pod backs the Service (the endpoints the Service's selector picks), else the
 * connection error a Go client prints.
 */
import type { KubeObject } from '../kube-client/api.js';
import type { OperatorWorld } from './types.js';

export function podReady(pod: KubeObject): boolean {
  const status = pod.status as { phase?: string; conditions?: { type: string; status: string }[] } | undefined;
  return !pod.metadata.deletionTimestamp && status?.phase === 'Running' && !!status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function labelsMatch(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** `http://svc.ns.svc.cluster.local:8200` → the Service it names, when it names one. */
export function serviceOf(url: string): { namespace: string; name: string; port: number } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(u.hostname);
  if (!m) return undefined;
  return { name: m[1], namespace: m[2], port: Number(u.port) || (u.protocol === 'https:' ? 443 : 80) };
}

/** Undefined when `url` answers, else the Go net/http error of a request to it. */
export function dialError(world: OperatorWorld, method: string, url: string): string | undefined {
  const target = serviceOf(url);
  const u = new URL(url);
  if (!target) return `${method} "${url}": dial tcp: lookup ${u.hostname}: no such host`;
  const svc = world.get('v1', 'Service', target.namespace, target.name);
  if (!svc) return `${method} "${url}": dial tcp: lookup ${u.hostname}: no such host`;
  const selector = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
  const backed = Object.keys(selector).length > 0 && world.list('v1', 'Pod', target.namespace).some((p) => labelsMatch(selector, p.metadata.labels) && podReady(p));
  if (backed) return undefined;
  const ip = (svc.spec as { clusterIP?: string } | undefined)?.clusterIP ?? '';
  return `${method} "${url}": dial tcp ${ip}:${target.port}: connect: connection refused`;
}
