/**
 * The CRDs the embedded Sovereign serves: the upstream projects' own CRD files (fetched by set-up
 * at pinned versions), and the structural ones this project writes where no module carries them
 * (sim/controlplane/crds/). The platform's base (Flux, kwok, Gateway API, Cilium, CloudNativePG,
 * OpenOva) is applied when a region starts; every other group arrives with the chart of the kit
 * slot that installs it, as Helm installs a chart's crds/ folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../../src/repo-root.js';
import { cachedFiles } from './assets.js';

export interface CrdFile {
  /** `<plural>.<group>` */
  resource: string;
  group: string;
  kind: string;
  path: string;
  /** Written here rather than taken from the upstream project. */
  structural: boolean;
}

const BASE_GROUPS = new Set([
  'source.toolkit.fluxcd.io', 'helm.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io', 'kwok.x-k8s.io',
  'gateway.networking.k8s.io', 'cilium.io', 'postgresql.cnpg.io', 'orgs.openova.io', 'dr.openova.io',
]);

let index: CrdFile[] | undefined;

function describe(path: string, structural: boolean): CrdFile[] {
  // Some upstream CRD descriptions start with a literal tab; the yaml package's default mode reads them.
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as { kind?: string; spec?: { group?: string; names?: { plural?: string; kind?: string } } } | null)
    .filter((o) => o?.kind === 'CustomResourceDefinition' && o.spec?.group && o.spec.names?.plural)
    .map((o) => ({ resource: `${o!.spec!.names!.plural}.${o!.spec!.group}`, group: o!.spec!.group!, kind: o!.spec!.names!.kind ?? '', path, structural }));
}

/** Every CRD this machine has, upstream first. */
export function crdIndex(): CrdFile[] {
  if (!index) {
    const local = join(REPO_ROOT, 'sim/controlplane/crds');
    index = [
      ...cachedFiles(undefined).flatMap((f) => describe(f, false)),
      ...readdirSync(local).filter((f) => f.endsWith('.yaml')).flatMap((f) => describe(join(local, f), true)),
    ];
  }
  return index;
}

/** The manifest of the platform base every region starts with. */
export function baseCrdManifest(): string {
  const files = new Set(crdIndex().filter((c) => BASE_GROUPS.has(c.group)).map((c) => c.path));
  return [...files].map((f) => readFileSync(f, 'utf8').trim()).join('\n---\n') + '\n';
}

export function isBaseGroup(group: string): boolean {
  return BASE_GROUPS.has(group);
}

/** Files holding the CRDs of `group` (a chart's crds/ folder). */
export function groupCrdFiles(group: string): string[] {
  return [...new Set(crdIndex().filter((c) => c.group === group).map((c) => c.path))];
}

export function crdFor(resource: string): CrdFile | undefined {
  return crdIndex().find((c) => c.resource === resource);
}
