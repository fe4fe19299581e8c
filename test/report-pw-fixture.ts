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

/**
 * `suites`: Playwright projects, one per suite; each gets the gates whose id starts with `<suite>/`.
 * `holdMs`: the first gate of the first suite announces a hold of this length and waits it out.
 */
export function runGatesThroughPlaywright(workDir: string, runDir: string, suites: string[], opts: { holdMs?: number; holdTickMs?: number } = {}): PlaywrightRun {
  const specs = join(workDir, 'specs');
  mkdirSync(specs, { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  writeFileSync(
    join(specs, 'walk.spec.ts'),
    `import { test } from '@playwright/test';
import { readGates } from ${JSON.stringify(join(REPO, 'src/gates/recorder.ts'))};
import { reportGate } from ${JSON.stringify(join(REPO, 'src/pw/report-gate.ts'))};
import { announceHold } from ${JSON.stringify(join(REPO, 'src/report/progress-protocol.ts'))};
const runDir = process.env.SW_TEST_RUN_DIR as string;
const holdMs = Number(process.env.SW_TEST_HOLD_MS ?? 0);
const gates = readGates(runDir).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
gates.forEach((g, i) => {
  test(g.id, async ({}, info) => {
    if (i === 0 && holdMs > 0) {
      announceHold(Date.now() + holdMs, 'test-hold');
      await new Promise((r) => setTimeout(r, holdMs));
    }
    await reportGate(runDir, info, g);
  });
});
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
    [${JSON.stringify(join(REPO, 'src/pw/progress-reporter.ts'))}, { tty: false, holdTickMs: ${opts.holdTickMs ?? 60_000} }],
    ['allure-playwright', { resultsDir: ${JSON.stringify(join(runDir, 'allure-results'))}, detail: true, suiteTitle: false }],
  ],
});
`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, SW_TEST_RUN_DIR: runDir, SW_TEST_HOLD_MS: String(opts.holdMs ?? 0), CI: '1', FORCE_COLOR: '0' };
  const r = spawnSync(join(REPO, 'node_modules/.bin/playwright'), ['test', '-c', join(workDir, 'playwright.config.ts')], { cwd: workDir, env, encoding: 'utf8', timeout: 90_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
