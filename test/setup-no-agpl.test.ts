/**
 * Set-up fetches nothing AGPL-licensed: every binary it builds into the per-user cache is read back
 * with `go version -m`, whose module list is what the Go toolchain linked in, and none of it is k6
 * (go.k6.io, AGPL-3.0) or one of its extensions. The failover suite uses a k6 the user installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, cachedBinaryPath, COMPONENTS } from '../sim/controlplane/assets.js';
import { REPO_ROOT } from '../src/repo-root.js';

const AGPL_MODULES = /^(go\.k6\.io\/|github\.com\/grafana\/xk6)/;

/** `path`, `mod` and `dep` module paths of one binary's build information. */
function linkedModules(binary: string): string[] {
  const info = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return info
    .split('\n')
    .map((line) => line.trim().split('\t'))
    .filter(([kind]) => kind === 'path' || kind === 'mod' || kind === 'dep' || kind === '=>')
    .map(([, module]) => module);
}

test('every binary set-up builds links no go.k6.io module', () => {
  const root = join(cacheRoot(), 'bin');
  for (const spec of COMPONENTS.binaries) {
    assert.ok(existsSync(cachedBinaryPath(spec)), `set-up builds ${spec.name} into ${cachedBinaryPath(spec)} (run bash scripts/setup.sh)`);
  }
  const built = readdirSync(root).flatMap((dir) => readdirSync(join(root, dir)).map((file) => join(root, dir, file)));
  for (const binary of built) {
    const modules = linkedModules(binary);
    assert.ok(modules.length > 1, `${binary}: go version -m lists the modules it links`);
    assert.deepEqual(modules.filter((m) => AGPL_MODULES.test(m)), [], `${binary} links an AGPL-licensed module`);
  }
  assert.ok(built.length >= COMPONENTS.binaries.length);
});

test('set-up names no k6 module to fetch', () => {
  const modules = [...COMPONENTS.binaries.map((b) => b.module), ...COMPONENTS.crds.map((c) => c.module)];
  assert.deepEqual(modules.filter((m) => AGPL_MODULES.test(m)), []);
  assert.doesNotMatch(readFileSync(join(REPO_ROOT, 'scripts/setup.sh'), 'utf8'), /go\.k6\.io|xk6|build-k6/);
  assert.equal(existsSync(join(REPO_ROOT, 'scripts/build-k6.sh')), false);
});
