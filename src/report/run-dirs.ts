/** Finding a walk's run folder under the reports root, and what a run folder holds. */
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

const RUN_REPORTS = ['index.html', 'summary.md', 'junit.xml', 'summary.json'];

/**
 * The files a run's reports link to: the four reports (written together), and evidence/ and the
 * Allure site only when they exist (the site exists only after `npm run report`).
 */
export function runLinks(runDir: string): string[] {
  return [...RUN_REPORTS, ...['evidence/', 'allure-report/index.html'].filter((f) => existsSync(join(runDir, f)))];
}

