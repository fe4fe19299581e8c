/**
 * Test-side judge of a kit surface check, reaching the sim only as a client would (RegionClient
 * over the kubeconfig, HttpClient over the target's resolve rules and CA), plus small waiting
 * helpers for the sim-world tests.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Kit, SurfaceCheck } from '../../src/kit/types.js';
import type { HttpClient } from '../../src/target/http.js';
import { type RegionClient } from '../../src/target/kube.js';
import { condition, describeError, type KubeObject } from '../../src/target/objects.js';

export function loadKit(name: 'bootstrap-kit-48.json' | 'bootstrap-kit-2026-04-30.json'): Kit {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url)), 'utf8')) as Kit;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${describeError(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function at(obj: unknown, path: string): unknown {
  let cursor = obj;
  for (const step of path.split('.').flatMap((p) => p.split(/\[(\d+)\]/).filter(Boolean))) {
    if (cursor === null || typeof cursor !== 'object') return undefined;
    cursor = (cursor as Record<string, unknown>)[step];
  }
  return cursor;
}

function nonEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function subset(expect: Record<string, unknown>, got: unknown): boolean {
  return Object.entries(expect).every(([k, v]) => JSON.stringify(at(got, k)) === JSON.stringify(v));
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function rolledOut(kind: string, o: KubeObject): boolean {
  const s = o.status ?? {};
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  if (num(s.observedGeneration) < (o.metadata.generation ?? 0)) return false;
  if (kind === 'daemonset') return num(s.desiredNumberScheduled) > 0 && num(s.updatedNumberScheduled) === num(s.desiredNumberScheduled) && num(s.numberReady) === num(s.desiredNumberScheduled);
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  if (kind === 'statefulset') return num(s.readyReplicas) >= replicas && s.currentRevision === s.updateRevision;
  return num(s.updatedReplicas) === replicas && num(s.readyReplicas) >= replicas && num(s.availableReplicas) >= replicas;
}

const WORKLOAD_RESOURCES: Record<string, string> = { deploy: 'deployments.apps', sts: 'statefulsets.apps', ds: 'daemonsets.apps' };

/** true when the surface answers as the check expects. */
export async function surfacePasses(check: SurfaceCheck, rc: RegionClient, http: HttpClient, sovereign: string): Promise<boolean> {
  switch (check.kind) {
    case 'rollout': {
      const o = await rc.get(`${check.workload}s.apps`, check.namespace, check.name);
      return !!o && rolledOut(check.workload, o);
    }
    case 'resource-condition': {
      const items = (await rc.list(check.resource, { namespace: check.namespace })).items.filter((o) => !check.name || o.metadata.name === check.name);
      const ok = (o: KubeObject) => condition(o, check.condition)?.status === check.status;
      return items.length > 0 && (check.all ? items.every(ok) : items.some(ok));
    }
    case 'resource-field': {
      const items = (await rc.list(check.resource, { namespace: check.namespace })).items;
      const matches = items.filter((o) => {
        const v = at(o, check.field);
        if (check.equals !== undefined) return JSON.stringify(v) === JSON.stringify(check.equals);
        if (check.notEquals !== undefined) return v !== undefined && JSON.stringify(v) !== JSON.stringify(check.notEquals);
        return v !== undefined;
      });
      return matches.length >= (check.atLeast ?? 1);
    }
    case 'resource-exists':
      return !!(await rc.get(check.resource, check.namespace, check.name));
    case 'resource-nonempty':
      return (await rc.list(check.resource, { namespace: check.namespace })).items.length > 0;
    case 'api-resource-served':
      try {
        await rc.resolve(check.resource);
        return true;
      } catch {
        return false;
      }
    case 'exec': {
      const [prefix, name] = check.target.split('/');
      let pod = name;
      if (prefix !== 'pod') {
        const w = await rc.get(WORKLOAD_RESOURCES[prefix], check.namespace, name);
        const labels = ((w?.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels) ?? {};
        const pods = await rc.list('pods', { namespace: check.namespace, labelSelector: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') });
        const running = pods.items.find((p) => p.status?.phase === 'Running');
        if (!running) return false;
        pod = running.metadata.name;
      }
      const r = await rc.exec(check.namespace, pod, check.container ?? name, check.command);
      return r.exitCode === 0 && (!check.expectStdout || r.stdout.includes(check.expectStdout)) && (!check.expectNoStderr || !r.stderr.includes(check.expectNoStderr));
    }
    default: {
      let status: number;
      let body: string;
      if (check.inCluster) {
        const u = new URL(check.url);
        const [svc, ns] = u.hostname.split('.');
        ({ status, body } = await rc.serviceProxyGet(ns, svc, u.port || '80', u.pathname));
      } else {
        const url = check.url.split('<sov>').join(sovereign);
        const x = await http.request(url, { method: check.method, headers: check.headers, body: check.body === undefined ? undefined : JSON.stringify(check.body) });
        status = x.response?.status ?? 0;
        body = x.response?.body ?? '';
      }
      if (check.kind === 'http-status') return (Array.isArray(check.expect) ? check.expect : [check.expect]).includes(status);
      if (status < 200 || status >= 300) return false;
      if (check.kind === 'http-text') return body.includes(check.contains);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return false;
      }
      return (!check.expect || subset(check.expect, json)) && (!check.expectPath || nonEmpty(at(json, check.expectPath))) && (!check.expectNonEmpty || nonEmpty(at(json, check.expectNonEmpty)));
    }
  }
}
