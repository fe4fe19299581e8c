/**
 * The walk runs the browser journeys as a Playwright project (every other suite it judges and
 * reports itself); `npm run walk` sets SW_RUN_CONTEXT and SW_RUN_DIR. Running `playwright test`
 * by hand without them is not supported.
 */
import { defineConfig } from '@playwright/test';

const runDir = process.env.SW_RUN_DIR ?? 'reports/adhoc';

export default defineConfig({
  testDir: './suites',
  timeout: Number(process.env.SW_TEST_TIMEOUT_MS ?? 30 * 60_000),
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  outputDir: `${runDir}/playwright-output`,
  reporter: [
    ['./src/pw/progress-reporter.ts'],
    ['allure-playwright', { resultsDir: `${runDir}/allure-results`, detail: true, suiteTitle: false }],
  ],
  use: {
    screenshot: 'off',
    trace: 'off',
    video: 'off',
    launchOptions: {
      executablePath: process.env.SW_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [{ name: 'journeys', testMatch: 'journeys.spec.ts' }],
});
