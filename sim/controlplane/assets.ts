/**
 * Where the embedded Sovereign's control-plane binaries and upstream CRDs live. Set-up builds them
 * from the Go module proxy into a per-user cache keyed by version (a fresh clone on the same machine
 * reuses them); binaries found through SW_K8S_BIN_DIR or envtest's KUBEBUILDER_ASSETS win.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/repo-root.js';

export interface BinarySpec {
  name: string;
  kind: 'etcd' | 'kubernetes' | 'install' | 'flux';
  module: string;
  version: string;
  package?: string;
  licence: string;
  pin?: Record<string, string>;
}

export interface CrdSource {
  module: string;
  version: string;
  paths: string[];
  /** What the files are: CRDs to apply (default), or kwok Stages for kwok's configuration. */
  use?: 'kwok-stages';
}

export interface Components {
  recipe: number;
  binaries: BinarySpec[];
  stagingVersion: string;
  staging: string[];
  crds: CrdSource[];
}

export type BinaryName =
  | 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubectl' | 'kwok'
  | 'source-controller' | 'helm-controller' | 'kustomize-controller';

export const COMPONENTS: Components = JSON.parse(
  readFileSync(join(REPO_ROOT, 'sim/controlplane/components.json'), 'utf8'),
) as Components;

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SW_CACHE_DIR) return env.SW_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sovereign-walk');
}

/**
 * `bin/<name>@<version>+r<recipe>/<name>`: the file keeps the program's own name, which clients
 * use as their default field manager (kube-controller-manager's writes must say so).
 */
export function cachedBinaryPath(spec: BinarySpec, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'bin', `${spec.name}@${spec.version}+r${COMPONENTS.recipe}`, spec.name);
}

function isExecutable(path: string): boolean {
  try {
    return statSync(path).isFile() && (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** A binary the user provides (SW_K8S_BIN_DIR, then KUBEBUILDER_ASSETS), if any. */
export function providedBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of [env.SW_K8S_BIN_DIR, env.KUBEBUILDER_ASSETS]) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export function binarySpec(name: BinaryName): BinarySpec {
  const spec = COMPONENTS.binaries.find((b) => b.name === name);
  if (!spec) throw new Error(`unknown control-plane binary ${name}`);
  return spec;
}

/** The binary to run, or an error that names what set-up must do. */
export function resolveBinary(name: BinaryName, env: NodeJS.ProcessEnv = process.env): string {
  const provided = providedBinary(name, env);
  if (provided) return provided;
  const cached = cachedBinaryPath(binarySpec(name), env);
  if (isExecutable(cached)) return cached;
  throw new Error(`${name} is not built (expected ${cached}): run bash scripts/setup.sh`);
}

/**
 * The embedded Sovereign's own Go programs (`sim/products/<name>/`, standard library only): the
 * product CLIs kwok starts for every exec in a pod, Go programs as the real ones are. Cached by the
 * content of their source, so an edit rebuilds them and a fresh clone of the same source reuses them.
 */
export const LOCAL_TOOLS = ['tctl'] as const;
export type LocalTool = (typeof LOCAL_TOOLS)[number];

export function localToolSource(name: LocalTool): string {
  return join(REPO_ROOT, 'sim/products', name);
}

export function localToolPath(name: LocalTool, env: NodeJS.ProcessEnv = process.env): string {
  const dir = localToolSource(name);
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.go') || f === 'go.mod').sort()) hash.update(f).update(readFileSync(join(dir, f)));
  return join(cacheRoot(env), 'bin', `${name}@src-${hash.digest('hex').slice(0, 12)}`, name);
}

export function resolveLocalTool(name: LocalTool, env: NodeJS.ProcessEnv = process.env): string {
  const path = localToolPath(name, env);
  if (isExecutable(path)) return path;
  throw new Error(`${name} is not built (expected ${path}): run bash scripts/setup.sh`);
}

/** Keyed by module, version and the paths taken from it, so a changed selection is fetched afresh. */
export function crdDir(source: CrdSource, env: NodeJS.ProcessEnv = process.env): string {
  const paths = createHash('sha256').update(source.paths.join('\n')).digest('hex').slice(0, 8);
  return join(cacheRoot(env), 'crds', `${source.module.replaceAll('/', '_')}@${source.version}${source.use ? `-${source.use}` : ''}-${paths}`);
}

export function crdSourceReady(source: CrdSource, env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync(join(crdDir(source, env), '.complete'));
}

/** Every cached file of the given use, in the order components.json lists them. */
export function cachedFiles(use: CrdSource['use'], env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const source of COMPONENTS.crds.filter((c) => c.use === use)) {
    if (!crdSourceReady(source, env)) throw new Error(`${source.module}@${source.version} files are not fetched (expected ${crdDir(source, env)}): run bash scripts/setup.sh`);
    const dir = crdDir(source, env);
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort((a, b) => parseInt(a) - parseInt(b))) out.push(join(dir, f));
  }
  return out;
}
