/**
 * The Sovereign's GitOps repository (`openova/openova` on its Gitea), as a bootstrap kit lays it
 * out: `clusters/<sov>/bootstrap-kit/` holds the namespaces and, per slot, its HelmRepository and
 * HelmRelease (dependsOn, install/upgrade settings, the region role substituted by Flux's
 * post-build variables); `sovereign-tls/` and `org-tenants/` are the other Kustomizations' paths.
 * Faults are edits of this repository, committed like any change a GitOps team pushes.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import type { Kit, KitSlot } from '../../src/kit/types.js';
import { chartName, chartVersion, componentOf, releaseNamespace } from '../charts/layout.js';

const run = promisify(execFile);

export const REPO_PATH = 'openova/openova.git';
export const KUSTOMIZATIONS = ['bootstrap-kit', 'sovereign-tls', 'org-tenants'] as const;
export const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'flux-system']);

export const SLOT_LABEL = 'catalyst.openova.io/slot';
export const COMPONENT_LABEL = 'catalyst.openova.io/component';
export const ROLE_LABEL = 'catalyst.openova.io/region-role';

/** A slot's HelmRelease as a fault rewrites it (every field optional: what changes). */
export interface ReleaseEdit {
  values?: Record<string, unknown>;
  suspend?: boolean;
  chartVersion?: string;
  labels?: Record<string, string>;
  upgradeRetries?: number;
  /** Upgrade waits for the release's workloads (and times out after this long). */
  waitTimeout?: string;
  /** Skip installing the chart's CRDs (Flux `install.crds: Skip`). */
  skipCrds?: boolean;
}

export interface RepoContent {
  sovereign: string;
  /** oci:// URL of the charts' registry (the Sovereign's Harbor after the cutover). */
  chartsUrl: string;
  kit: Kit;
  /** Namespaces the charts write into, created before the releases. */
  namespaces: string[];
  edits: Map<string, ReleaseEdit>;
  /** HelmRepositories (by name) left pointing elsewhere than `chartsUrl`, e.g. at the mothership. */
  repositoryUrls: Map<string, string>;
}

export function helmRepositoryName(slot: KitSlot): string {
  return `bp-${componentOf(slot.name)}`;
}

function slotDocuments(slot: KitSlot, c: RepoContent): string {
  const edit = c.edits.get(slot.name) ?? {};
  const repo = helmRepositoryName(slot);
  const target = slot.targetNamespace;
  const helmRepository = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name: repo, namespace: 'flux-system' },
    spec: { type: 'oci', interval: '10m', url: c.repositoryUrls.get(repo) ?? c.chartsUrl, secretRef: { name: 'ghcr-pull' } },
  };
  const helmRelease = {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: {
      name: slot.name,
      namespace: 'flux-system',
      labels: { [SLOT_LABEL]: slot.slot, [COMPONENT_LABEL]: componentOf(slot.name), [ROLE_LABEL]: '${SOVEREIGN_REGION_ROLE}', ...edit.labels },
    },
    spec: {
      interval: '15m',
      ...(target ? { targetNamespace: target, releaseName: slot.name } : {}),
      ...(edit.suspend ? { suspend: true } : {}),
      chart: { spec: { chart: chartName(slot), version: edit.chartVersion ?? chartVersion(slot), sourceRef: { kind: 'HelmRepository', name: repo, namespace: 'flux-system' }, reconcileStrategy: 'ChartVersion' } },
      dependsOn: slot.dependsOn.map((name) => ({ name, namespace: 'flux-system' })),
      install: {
        disableWait: true,
        timeout: '10m',
        ...(target && !SYSTEM_NAMESPACES.has(releaseNamespace(slot)) ? { createNamespace: true } : {}),
        ...(edit.skipCrds ? { crds: 'Skip' } : {}),
        remediation: { retries: -1 },
      },
      upgrade: {
        ...(edit.waitTimeout ? { disableWait: false, timeout: edit.waitTimeout } : { disableWait: true, timeout: '10m' }),
        remediation: { retries: edit.upgradeRetries ?? 5 },
      },
      ...(edit.values ? { values: edit.values } : {}),
    },
  };
  return `${stringify(helmRepository)}---\n${stringify(helmRelease)}`;
}

/** The repository's files (path → content). */
export function repoFiles(c: RepoContent): Record<string, string> {
  const base = `clusters/${c.sovereign}`;
  const files: Record<string, string> = {};
  const kit = c.kit.slots.map((s) => `${s.slot}-${s.name}.yaml`);
  const namespaces = c.namespaces.filter((n) => !SYSTEM_NAMESPACES.has(n)).sort();
  files[`${base}/bootstrap-kit/00-namespaces.yaml`] = namespaces.map((name) => stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })).join('---\n') || '';
  c.kit.slots.forEach((s, i) => {
    files[`${base}/bootstrap-kit/${kit[i]}`] = slotDocuments(s, c);
  });
  files[`${base}/bootstrap-kit/kustomization.yaml`] = stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...(namespaces.length ? ['00-namespaces.yaml'] : []), ...kit] });
  files[`${base}/sovereign-tls/kustomization.yaml`] = stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['tls-settings.yaml'] });
  files[`${base}/sovereign-tls/tls-settings.yaml`] = stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sovereign-tls', namespace: 'flux-system' }, data: { wildcard: `*.${c.sovereign}`, issuer: 'letsencrypt-prod' } });
  files[`${base}/org-tenants/kustomization.yaml`] = stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['tenants.yaml'] });
  files[`${base}/org-tenants/tenants.yaml`] = stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'org-tenants', namespace: 'flux-system' }, data: { tenants: '' } });
  return files;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'catalyst-api', GIT_AUTHOR_EMAIL: 'catalyst-api@openova.io',
  GIT_COMMITTER_NAME: 'catalyst-api', GIT_COMMITTER_EMAIL: 'catalyst-api@openova.io',
};

/** A bare repository served by the git server, and a work tree to commit into it. */
export class KitRepo {
  constructor(readonly root: string) {}

  get bare(): string {
    return join(this.root, 'served', REPO_PATH);
  }

  private get work(): string {
    return join(this.root, 'work');
  }

  private git(args: string[], cwd: string): Promise<{ stdout: string }> {
    return run('git', args, { cwd, env: { ...process.env, ...GIT_ENV } });
  }

  async init(): Promise<void> {
    await mkdir(this.bare, { recursive: true });
    await mkdir(this.work, { recursive: true });
    await this.git(['init', '--bare', '-q', '-b', 'main'], this.bare);
    await this.git(['init', '-q', '-b', 'main'], this.work);
    await this.git(['remote', 'add', 'origin', this.bare], this.work);
  }

  /** Replaces the tree with `files`, commits and pushes; returns the commit. */
  async commit(files: Record<string, string>, message: string): Promise<string> {
    await rm(join(this.work, 'clusters'), { recursive: true, force: true });
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(this.work, path)), { recursive: true });
      await writeFile(join(this.work, path), content);
    }
    await this.git(['add', '-A'], this.work);
    await this.git(['commit', '-q', '--allow-empty', '-m', message], this.work);
    await this.git(['push', '-q', 'origin', 'main'], this.work);
    return (await this.git(['rev-parse', 'HEAD'], this.work)).stdout.trim();
  }
}
