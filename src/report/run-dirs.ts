/** Finding a walk's run folder under the reports root. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MARKERS = ['summary.json', 'allure-results'];

/** The run folder under `root` whose reports or Allure results were written last. */
export function newestRunDir(root: string): string | undefined {
  if (!existsSync(root)) return undefined;
  let best: { dir: string; mtime: number } | undefined;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    const times = MARKERS.map((m) => join(dir, m)).filter(existsSync).map((p) => statSync(p).mtimeMs);
    if (!times.length) continue;
    const mtime = Math.max(...times);
    if (!best || mtime > best.mtime) best = { dir, mtime };
  }
  return best?.dir;
}
