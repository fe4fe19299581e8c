import type { ResourceType } from './types.js';

const RESOURCE_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Kubernetes version priority: GA before beta before alpha, higher numbers first, others last. */
function versionRank(version: string): [number, number, number, string] {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
  if (!m) return [3, 0, 0, version];
  const level = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
  return [level, -Number(m[1]), -Number(m[3] ?? 0), version];
}

function compareVersions(a: string, b: string): number {
  const ra = versionRank(a);
  const rb = versionRank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return Number(ra[i]) - Number(rb[i]);
  return ra[3].localeCompare(rb[3]);
}

function groupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

function groupsOf(types: ResourceType[]): Map<string, string[]> {
  const groups = new Map<string, Set<string>>();
  for (const rt of types) {
    if (rt.group === '') continue;
    const versions = groups.get(rt.group) ?? new Set<string>();
    versions.add(rt.version);
    groups.set(rt.group, versions);
  }
  return new Map([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([g, vs]) => [g, [...vs].sort(compareVersions)]));
}

function apiGroup(name: string, versions: string[]): Record<string, unknown> {
  const entries = versions.map((version) => ({ groupVersion: groupVersion(name, version), version }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(types: ResourceType[]): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groupsOf(types)].map(([name, versions]) => apiGroup(name, versions)),
  };
}

export function apiGroupOf(types: ResourceType[], group: string): Record<string, unknown> | undefined {
  const versions = groupsOf(types).get(group);
  return versions && { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

function subresources(rt: ResourceType): Record<string, unknown>[] {
  const sub = (name: string, kind: string, verbs: string[]) => ({
    name: `${rt.plural}/${name}`,
    singularName: '',
    namespaced: rt.namespaced,
    kind,
    verbs,
  });
  const out = rt.hasStatus ? [sub('status', rt.kind, ['get', 'patch', 'update'])] : [];
  if (rt.group === '' && rt.kind === 'Pod') out.push(sub('exec', 'PodExecOptions', ['create', 'get']));
  if (rt.group === '' && rt.kind === 'Service') {
    out.push(sub('proxy', 'ServiceProxyOptions', ['create', 'delete', 'get', 'patch', 'update']));
  }
  return out;
}

/** The APIResourceList for one group version, or undefined when nothing is registered under it. */
export function apiResourceList(types: ResourceType[], group: string, version: string): Record<string, unknown> | undefined {
  const served = types
    .filter((rt) => rt.group === group && rt.version === version)
    .sort((a, b) => a.plural.localeCompare(b.plural));
  if (served.length === 0 && group !== '') return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group, version),
    resources: served.flatMap((rt) => [
      {
        name: rt.plural,
        singularName: rt.singular,
        namespaced: rt.namespaced,
        kind: rt.kind,
        verbs: RESOURCE_VERBS,
        ...(rt.shortNames?.length ? { shortNames: rt.shortNames } : {}),
        ...(rt.categories?.length ? { categories: rt.categories } : {}),
      },
      ...subresources(rt),
    ]),
  };
}
