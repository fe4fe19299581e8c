/**
 * The repository root (where package.json is), found from this file rather than from a fixed
 * number of `..`: the same module runs from src/ (tests, the bench) and from dist/src/
 * (the compiled CLIs), and both must find the same fixtures, state dir and tools.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const REPO_ROOT = findRoot(import.meta.dirname);
