#!/usr/bin/env node
/**
 * Compiles the CLIs, the harness, the probe catalog and the simulated Sovereign to dist/, one
 * JavaScript file per TypeScript file (no bundling, so every relative import still resolves).
 * `npm run walk` runs the result with plain node; see docs/ARCHITECTURE.md ("Compiled CLIs")
 * for why the walk must not compile TypeScript while it runs. Type checking is `npm run
 * typecheck`; this only strips types.
 *
 * Safe to run while another walk runs from dist/: a file is rewritten only when its content
 * changed, through a temporary file and a rename, so a reader never sees half a module.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist');
const SOURCES = ['cli', 'src', 'sim', 'probes'];

const entryPoints = SOURCES.flatMap((dir) =>
  readdirSync(join(ROOT, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(ROOT, dir, f)),
);

const result = await build({
  entryPoints,
  outdir: OUT,
  outbase: ROOT,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  bundle: false,
  write: false,
  logLevel: 'warning',
});

const wanted = new Set();
for (const file of result.outputFiles) {
  wanted.add(file.path);
  if (existsSync(file.path) && readFileSync(file.path).equals(file.contents)) continue;
  mkdirSync(dirname(file.path), { recursive: true });
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
}

// Output of a source file that no longer exists.
for (const f of readdirSync(OUT, { recursive: true }).map(String)) {
  const path = join(OUT, f);
  if (path.endsWith('.js') && !wanted.has(path)) rmSync(path);
}
