/**
 * The compiled walk, run by the tests exactly as `npm run walk` runs it (sim/process.ts runs the
 * compiled sim).
 * Importing this module builds dist/ (half a second; a no-op when nothing changed), so a single
 * test file run by hand never exercises stale JavaScript.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });

export const WALK_CLI = join(ROOT, 'dist/cli/walk.js');
