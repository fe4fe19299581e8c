/**
 * Runs a real Playwright walk over the gates already recorded in a run folder: one test per
 * gate, each ended by `reportGate` (so allure-playwright and the progress reporter see exactly
 * what a suite produces). Everything lives in a temp folder that links the repo's node_modules.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface PlaywrightRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `suites`: Playwright projects, one per suite; each gets the gates whose id starts with `<suite>/`. */
export function runGatesThroughPlaywright(workDir: string, runDir: string, suites: string[]): PlaywrightRun {
  const specs = join(workDir, 'specs');
  mkdirSync(specs, { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  writeFileSync(
    join(specs, 'walk.spec.ts'),
    `import { test } from '@playwright/test';
import { readGates } from ${JSON.stringify(join(REPO, 'src/gates/recorder.ts'))};
import { reportGate } from ${JSON.stringify(join(REPO, 'src/pw/report-gate.ts'))};
const runDir = process.env.SW_TEST_RUN_DIR as string;
const gates = readGates(runDir).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
for (const g of gates) {
  test(g.id, async ({}, info) => {
    await reportGate(runDir, info, g);
  });
}
`,
  );
  const projects = suites.map((s) => `{ name: ${JSON.stringify(s)}, grep: new RegExp(${JSON.stringify(`(^| )${s}/`)}) }`).join(', ');
  writeFileSync(
    join(workDir, 'playwright.config.ts'),
    `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: './specs',
  outputDir: './pw-out',
  workers: 1,
  timeout: 60_000,
  projects: [${projects}],
  reporter: [
    [${JSON.stringify(join(REPO, 'src/pw/progress-reporter.ts'))}, { tty: false }],
    ['allure-playwright', { resultsDir: ${JSON.stringify(join(runDir, 'allure-results'))}, detail: true, suiteTitle: false }],
  ],
});
`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, SW_TEST_RUN_DIR: runDir, CI: '1', FORCE_COLOR: '0' };
  const r = spawnSync(join(REPO, 'node_modules/.bin/playwright'), ['test', '-c', join(workDir, 'playwright.config.ts')], { cwd: workDir, env, encoding: 'utf8', timeout: 90_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
