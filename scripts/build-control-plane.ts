/**
 * Builds the embedded Sovereign's real control plane from the Go module proxy (pinned, Apache-2.0
 * versions in sim/controlplane/components.json) into the per-user cache, and copies the upstream
 * CRD files the kit's API groups need. Cached binaries and CRDs are reused; binaries found through
 * SW_K8S_BIN_DIR or KUBEBUILDER_ASSETS are skipped. Exit 1 names the module and version that failed.
 */
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  COMPONENTS, LOCAL_TOOLS, cachedBinaryPath, cacheRoot, crdDir, crdSourceReady, localToolPath, localToolSource, providedBinary,
  type BinarySpec, type CrdSource,
} from '../sim/controlplane/assets.js';

const run = promisify(execFile);
const root = cacheRoot();
const work = join(root, 'work');
const goEnv = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' };

class BuildError extends Error {}

async function go(args: string[], cwd: string, what: string): Promise<string> {
  try {
    const { stdout } = await run('go', args, { cwd, env: goEnv, maxBuffer: 64 << 20 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const tail = (e.stderr ?? e.message).trim().split('\n').slice(-12).join('\n');
    throw new BuildError(`${what}: go ${args[0]} failed\n${tail}`);
  }
}

async function moduleDir(module: string, version: string): Promise<string> {
  const out = await go(['mod', 'download', '-json', `${module}@${version}`], root, `${module} ${version}`);
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new BuildError(`${module} ${version}: not served by the module proxy (${info.Error ?? 'no Dir'})`);
  return info.Dir;
}

function versionFlags(version: string): string {
  const [major, minor] = version.replace(/^v/, '').split('.');
  const vars = { gitVersion: version, gitMajor: major, gitMinor: minor, gitTreeState: 'clean' };
  return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']
    .flatMap((pkg) => Object.entries(vars).map(([k, v]) => `-X ${pkg}.${k}=${v}`))
    .join(' ');
}

function freshDir(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function buildKubernetes(spec: BinarySpec, out: string): Promise<void> {
  const dir = join(work, `kubernetes-${spec.version}`);
  if (!existsSync(join(dir, 'go.mod'))) {
    mkdirSync(dir, { recursive: true });
    const replaces = COMPONENTS.staging.map((m) => `\tk8s.io/${m} => k8s.io/${m} ${COMPONENTS.stagingVersion}`).join('\n');
    writeFileSync(join(dir, 'go.mod'), `module sovereign-walk/kubernetes\n\ngo 1.24.0\n\nrequire k8s.io/kubernetes ${spec.version}\n\nreplace (\n${replaces}\n)\n`);
  }
  await go(['build', '-trimpath', '-ldflags', `-s -w ${versionFlags(spec.version)}`, '-o', out, `${spec.module}/${spec.package}`],
    dir, `${spec.name} (${spec.module} ${spec.version})`);
}

async function buildEtcd(spec: BinarySpec, out: string): Promise<void> {
  const dir = join(work, `etcd-${spec.version}`);
  if (!existsSync(join(dir, 'go.mod'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'go.mod'), `module sovereign-walk/etcd\n\ngo 1.24.0\n\nrequire ${spec.module} ${spec.version}\n`);
    writeFileSync(join(dir, 'main.go'),
      'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n');
  }
  await go(['build', '-trimpath', '-ldflags', '-s -w', '-o', out, '.'], dir, `${spec.name} (${spec.module} ${spec.version})`);
}

async function buildInstall(spec: BinarySpec, out: string): Promise<void> {
  const gobin = freshDir(join(work, `gobin-${spec.name}`));
  try {
    await run('go', ['install', '-trimpath', '-ldflags', '-s -w', `${spec.module}/${spec.package}@${spec.version}`],
      { cwd: root, env: { ...goEnv, GOFLAGS: '', GOBIN: gobin }, maxBuffer: 64 << 20 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new BuildError(`${spec.name} (${spec.module} ${spec.version}): go install failed\n${(e.stderr ?? e.message).trim().split('\n').slice(-12).join('\n')}`);
  }
  cpSync(join(gobin, spec.name), out);
}

/** Flux controllers' module zips leave out the nested ./api module their go.mod replaces to. */
async function buildFlux(spec: BinarySpec, out: string): Promise<void> {
  const what = `${spec.name} (${spec.module} ${spec.version})`;
  const src = await moduleDir(spec.module, spec.version);
  const api = await moduleDir(`${spec.module}/api`, spec.version);
  const dir = freshDir(join(work, `${spec.name}-${spec.version}`));
  cpSync(src, dir, { recursive: true });
  cpSync(api, join(dir, 'api'), { recursive: true });
  makeWritable(dir);
  for (const [module, version] of Object.entries(spec.pin ?? {})) {
    await go(['mod', 'edit', '-require', `${module}@${version}`], dir, what);
  }
  await go(['build', '-trimpath', '-ldflags', '-s -w', '-o', out, '.'], dir, what);
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else chmodSync(path, 0o644);
  }
}

async function buildBinary(spec: BinarySpec, out: string): Promise<void> {
  if (spec.kind === 'kubernetes') return buildKubernetes(spec, out);
  if (spec.kind === 'etcd') return buildEtcd(spec, out);
  if (spec.kind === 'flux') return buildFlux(spec, out);
  return buildInstall(spec, out);
}

async function fetchCrds(source: CrdSource): Promise<number> {
  const dir = await moduleDir(source.module, source.version);
  const dest = freshDir(crdDir(source));
  let count = 0;
  for (const path of source.paths) {
    const from = join(dir, path);
    if (!existsSync(from)) throw new BuildError(`${source.module} ${source.version}: no ${path} in the module`);
    const files = statSync(from).isDirectory()
      ? readdirSync(from).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml').map((f) => join(from, f))
      : [from];
    for (const file of files) {
      cpSync(file, join(dest, `${count}-${file.split('/').pop()}`));
      chmodSync(join(dest, `${count}-${file.split('/').pop()}`), 0o644);
      count += 1;
    }
  }
  writeFileSync(join(dest, '.complete'), `${source.module}@${source.version}\n`);
  return count;
}

function seconds(ms: number): string {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.round(ms / 1000)} s`;
}

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(work, { recursive: true });
  const crdsOnly = process.argv.includes('--crds-only');
  const total = COMPONENTS.binaries.length;
  let built = 0;
  for (const [i, spec] of (crdsOnly ? [] : COMPONENTS.binaries).entries()) {
    const label = `control-plane: [${i + 1}/${total}] ${spec.name} ${spec.version}`;
    const provided = providedBinary(spec.name);
    const dest = cachedBinaryPath(spec);
    if (provided) { console.log(`${label}: using ${provided}`); continue; }
    if (existsSync(dest)) { console.log(`${label}: cached`); continue; }
    console.log(`${label}: building from ${spec.module}@${spec.version} …`);
    const t0 = Date.now();
    mkdirSync(dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${process.pid}`;
    await buildBinary(spec, tmp);
    chmodSync(tmp, 0o755);
    renameSync(tmp, dest);
    built += 1;
    console.log(`${label}: built in ${seconds(Date.now() - t0)}`);
  }
  for (const name of crdsOnly ? [] : LOCAL_TOOLS) {
    const dest = localToolPath(name);
    if (existsSync(dest)) { console.log(`control-plane: ${name} (sim/products/${name}): cached`); continue; }
    mkdirSync(dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${process.pid}`;
    await go(['build', '-trimpath', '-ldflags', '-s -w', '-o', tmp, '.'], localToolSource(name), `${name} (sim/products/${name})`);
    renameSync(tmp, dest);
    console.log(`control-plane: ${name} (sim/products/${name}): built`);
  }
  let crds = 0;
  for (const source of COMPONENTS.crds) {
    if (crdSourceReady(source)) continue;
    crds += await fetchCrds(source);
  }
  // Selections components.json no longer names.
  const current = new Set(COMPONENTS.crds.map((c) => crdDir(c)));
  for (const entry of readdirSync(join(root, 'crds'))) if (!current.has(join(root, 'crds', entry))) rmSync(join(root, 'crds', entry), { recursive: true, force: true });
  console.log(`control-plane: ${built} built, ${crdsOnly ? 0 : total - built} reused; ${crds} CRD files fetched; ${seconds(Date.now() - started)} in all (cache ${root})`);
}

main().catch((err: unknown) => {
  if (err instanceof BuildError) {
    console.error(`control-plane: ${err.message}`);
  } else {
    console.error(`control-plane: ${(err as Error).stack ?? String(err)}`);
  }
  process.exit(1);
});
