/**
 * The Helm chart of one kit slot, as the platform would publish it: the workloads, Services and
 * HTTPRoutes that serve the slot's product, the custom resources its operator reconciles (with the
 * operator itself), and, in crds/, the upstream CRDs of the API groups this slot installs. Nothing
 * here decides how a surface answers: products and operators do that at run time.
 */
import { readFileSync } from 'node:fs';
import type { KitSlot, SurfaceCheck } from '../../src/kit/types.js';
import { groupCrdFiles, isBaseGroup } from '../controlplane/crds.js';
import { operatorFor } from '../operators/catalog.js';
import { helmYaml } from './helm-yaml.js';
import { labels, routeManifest, serviceManifest, workloadKind, workloadManifest } from './manifests.js';
import { chartName, chartVersion, componentOf, homeNamespace, imageOf, productPort, publicWorkload, releaseNamespace } from './layout.js';
import { slotExtras } from './extras.js';

export interface ChartContext {
  sovereign: string;
  poolDomain: string;
  placeholder: string;
  /** API groups whose operator (and CRDs, unless a base group) this slot's chart installs. */
  ownedGroups: string[];
  /** Workloads (`Kind/namespace/name`) another slot's chart renders as its own surface: an operator already installed there. */
  kitWorkloads: Set<string>;
}

export interface SlotChart {
  name: string;
  version: string;
  files: Record<string, string>;
  /** Namespaces the chart writes into (the GitOps repo creates them before the releases). */
  namespaces: string[];
}

function splitResource(resource: string): { plural: string; group: string } {
  const dot = resource.indexOf('.');
  return dot < 0 ? { plural: resource, group: '' } : { plural: resource.slice(0, dot), group: resource.slice(dot + 1) };
}

/** `https://bao.<sov>/v1/sys/health` → its host on this Sovereign. */
function publicTarget(url: string, placeholder: string, sovereign: string): { host: string } {
  return { host: new URL(url.split(placeholder).join(sovereign)).hostname };
}

/** The objects the slot's surface check looks at, and what serves them. */
function surfaceManifests(slot: KitSlot, check: SurfaceCheck, ctx: ChartContext, component: string, image: string, out: string[], namespaces: Set<string>, servedHosts: string[]): void {
  const home = homeNamespace(slot);
  switch (check.kind) {
    case 'rollout': {
      namespaces.add(check.namespace);
      out.push(workloadManifest({ kind: workloadKind(check.workload)!, namespace: check.namespace, name: check.name }, component, image));
      return;
    }
    case 'exec': {
      const [word, name] = check.target.split('/');
      const kind = workloadKind(word ?? '') ?? 'Deployment';
      namespaces.add(check.namespace);
      out.push(workloadManifest({ kind, namespace: check.namespace, name: name ?? component, container: check.container, port: productPort(component, name ?? component) }, component, image));
      return;
    }
    case 'http-json':
    case 'http-status':
    case 'http-text': {
      if (check.inCluster) {
        const u = new URL(check.url);
        const [svc, ns = home] = u.hostname.split('.');
        const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
        const target = productPort(component, svc);
        namespaces.add(ns);
        out.push(workloadManifest({ kind: 'Deployment', namespace: ns, name: svc, port: target }, component, image));
        out.push(serviceManifest({ namespace: ns, name: svc, port, targetPort: target, selectorName: svc }, component));
        return;
      }
      const { host } = publicTarget(check.url, ctx.placeholder, ctx.sovereign);
      if (servedHosts.includes(host)) return;
      const name = publicWorkload(component);
      const port = productPort(component, name);
      namespaces.add(home);
      out.push(workloadManifest({ kind: 'Deployment', namespace: home, name, port }, component, image));
      out.push(serviceManifest({ namespace: home, name, port, targetPort: port, selectorName: name }, component));
      out.push(routeManifest({ namespace: home, name: component, host, path: '/', service: name, port }, component));
      return;
    }
    case 'resource-condition':
    case 'resource-field':
    case 'resource-exists':
    case 'resource-nonempty': {
      const { group, plural } = splitResource(check.resource);
      const count = check.kind === 'resource-field' ? check.atLeast ?? 1 : 1;
      const name = 'name' in check && check.name ? check.name : component;
      for (let i = 0; i < count; i++) out.push(...objectManifests(group, plural, i === 0 ? name : `${name}-${i + 1}`, check.namespace ?? home, ctx, component, namespaces));
      return;
    }
    case 'api-resource-served':
      return;
  }
}

function objectManifests(group: string, plural: string, name: string, namespace: string, ctx: ChartContext, component: string, namespaces: Set<string>): string[] {
  if (!group) {
    // A core object (ConfigMap): the chart renders it with the release's data.
    namespaces.add(namespace);
    return [helmYaml({ apiVersion: 'v1', kind: plural === 'configmaps' ? 'ConfigMap' : plural, metadata: { name, namespace, labels: labels(name, component) }, data: {} })];
  }
  const operator = operatorFor(group);
  const kind = operator ? Object.keys(operator.kinds).find((k) => `${k.toLowerCase()}s` === plural || pluralOf(k) === plural) : undefined;
  if (!operator || !kind) return [];
  const apiVersion = `${group}/${operator.kinds[kind]}`;
  const namespaced = !plural.startsWith('cluster') && !['compositions'].includes(plural);
  if (namespaced) namespaces.add(namespace);
  const meta = { name, ...(namespaced ? { namespace } : {}), labels: labels(name, component) };
  return [
    ...(operator.companions?.(kind, name, namespaced ? namespace : undefined) ?? []).map((o: Record<string, unknown>) => helmYaml(o)),
    helmYaml({ apiVersion, kind, metadata: meta, ...operator.sample(kind, name, namespaced ? namespace : undefined, ctx.sovereign) }),
  ];
}

function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

export function slotChart(slot: KitSlot, ctx: ChartContext): SlotChart {
  const component = componentOf(slot.name);
  const image = imageOf(ctx.sovereign, component);
  const manifests: string[] = [];
  const namespaces = new Set<string>([releaseNamespace(slot)]);
  const extras = slotExtras(component, { sovereign: ctx.sovereign, poolDomain: ctx.poolDomain, namespaces });
  if (slot.surface) surfaceManifests(slot, slot.surface, ctx, component, image, manifests, namespaces, extras.hosts);
  for (const group of ctx.ownedGroups) {
    const operator = operatorFor(group);
    if (!operator) continue;
    namespaces.add(operator.workload.namespace);
    const hook = operator.webhook;
    const w = operator.workload;
    if (ctx.kitWorkloads.has(`${w.kind}/${w.namespace}/${w.name}`) && !hook) continue;
    manifests.push(workloadManifest({ ...operator.workload, ...(hook ? { port: hook.targetPort } : {}) }, component, imageOf(ctx.sovereign, operator.workload.name)));
    if (hook) manifests.push(serviceManifest({ namespace: operator.workload.namespace, name: hook.service, port: hook.port, targetPort: hook.targetPort, selectorName: operator.workload.name }, component));
  }
  manifests.push(...extras.manifests);
  const files: Record<string, string> = {
    'Chart.yaml': helmYaml({ apiVersion: 'v2', name: chartName(slot), version: chartVersion(slot), appVersion: chartVersion(slot), description: `OpenOva blueprint ${slot.name}`, type: 'application' }),
    'values.yaml': helmYaml({ replicas: null, image: { tag: chartVersion(slot) }, podAnnotations: {}, workloadPodAnnotations: {} }),
  };
  manifests.forEach((m, i) => {
    files[`templates/${String(i).padStart(2, '0')}.yaml`] = m;
  });
  let n = 0;
  const crdGroups = ctx.ownedGroups.flatMap((g) => [g, ...(operatorFor(g)?.crdGroups ?? [])]).filter((g) => !isBaseGroup(g));
  for (const group of new Set(crdGroups)) for (const file of groupCrdFiles(group)) files[`crds/${String(n++).padStart(2, '0')}-${group}.yaml`] = readFileSync(file, 'utf8');
  return { name: chartName(slot), version: chartVersion(slot), files, namespaces: [...namespaces] };
}
