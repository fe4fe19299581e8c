import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import './helpers/cli.js';

const ROOT = new URL('..', import.meta.url).pathname;
const GOLDEN = new URL('./golden/kind/', import.meta.url).pathname;

/** Runs a kind script with a fake `docker` (no engine) first on PATH. */
function script(file: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const bin = mkdtempSync(join(tmpdir(), 'sw-no-engine-'));
  try {
    writeFileSync(join(bin, 'docker'), "#!/bin/sh\necho 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2\nexit 1\n");
    chmodSync(join(bin, 'docker'), 0o755);
    const r = spawnSync(process.execPath, [...(file.endsWith('.ts') ? ['--import', 'tsx'] : []), file, ...args], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

test('kind:up --dry-run prints the golden plan and exits 0 without Docker', () => {
  const r = script('scripts/kind-up.ts', ['--dry-run']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(`${GOLDEN}plan.txt`, 'utf8'));
});

test('kind:up without a Docker engine exits 2 with one line saying so, having changed nothing', () => {
  const r = script('scripts/kind-up.ts', []);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    'kind:up: Docker is unavailable: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?; --target kind needs a Docker engine (try --dry-run to see the plan)\n',
  );
});

test('kind:down --dry-run prints the golden teardown; without Docker it exits 2', () => {
  const dry = script('scripts/kind-down.ts', ['--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.equal(dry.stdout, readFileSync(`${GOLDEN}down.txt`, 'utf8'));
  const real = script('scripts/kind-down.ts', []);
  assert.equal(real.status, 2);
  assert.match(real.stderr, /^kind:down: Docker is unavailable: /);
});

test('walk --target kind --dry-run prints the same golden plan (the Continuum install, the side services the walk starts) without Docker', () => {
  const r = script('dist/cli/walk.js', ['--target', 'kind', '--dry-run']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(`${GOLDEN}plan.txt`, 'utf8'));
  assert.match(r.stdout, /apply HelmRelease flux-system\/bp-continuum/);
  assert.match(r.stdout, /# side service 1\/1: Mailpit, started by each `npm run walk -- --target kind` that walks journeys, through testcontainers/);
});
