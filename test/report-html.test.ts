/**
 * index.html of a failed run, opened OFFLINE in Debian's Chromium: gate table, filters,
 * expandable details with evidence, the readiness Gantt with its critical path, timelines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildSummary, writeReports } from '../src/report/write-reports.js';
import { tempDir } from './helpers/temp.js';
import { BLOCKED_GATES, CRITICAL_PATH, ERROR_GATE, FAILED_GATE, writeFailedRun, writePassingRun } from './report-fixture.js';

const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

async function openOffline(indexPath: string) {
  const browser = await chromium.launch(CHROMIUM);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const external: string[] = [];
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.route('**', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) external.push(r.url());
  });
  await page.goto(pathToFileURL(indexPath).href);
  return { browser, page, external, pageErrors };
}

test('index.html of a failed run works offline: table, filters, details, Gantt, timelines', async (t) => {
  const runDir = tempDir('sw-report-html-');
  const summary = buildSummary(writeFailedRun(runDir));
  await writeReports(runDir, summary);
  const { browser, page, external, pageErrors } = await openOffline(join(runDir, 'index.html'));
  try {
    assert.match(await page.getByTestId('verdict').innerText(), /NOT READY/);
    const rows = page.locator('tbody.gate');
    assert.equal(await rows.count(), summary.gates.length);
    assert.equal(await page.locator('#shown').innerText(), `${summary.gates.length} of ${summary.gates.length} gates`);

    // Status filter: only the failed gate stays visible.
    await page.click('#gates [data-filter-status="failed"]');
    const visible = page.locator('tbody.gate:visible');
    assert.equal(await visible.count(), 1);
    assert.match(await visible.locator('td.id').innerText(), new RegExp(FAILED_GATE));
    assert.equal(await page.locator('#gates [data-filter-status="failed"]').getAttribute('aria-pressed'), 'true');

    // Blocked gates name the root cause.
    await page.click('#gates [data-filter-status="blocked"]');
    assert.equal(await visible.count(), BLOCKED_GATES.length);
    for (const root of await visible.locator('td.root').allInnerTexts()) assert.equal(root.trim(), FAILED_GATE);

    // Suite and free-text filters combine with the status filter.
    await page.click('#gates [data-filter-status="all"]');
    await page.selectOption('#filter-suite', 'dod');
    assert.equal(await visible.count(), 2);
    await page.fill('#filter-text', 'ECONNREFUSED');
    assert.equal(await visible.count(), 1);
    assert.match(await visible.locator('td.id').innerText(), new RegExp(ERROR_GATE.replace('.', '\\.')));
    await page.selectOption('#filter-suite', 'all');
    await page.fill('#filter-text', '');

    // The failed gate's details: reason, steps, evidence links relative to the run folder.
    const failed = page.locator(`tbody.gate[data-status="failed"]`);
    assert.equal(await failed.locator('tr.detail').isVisible(), false);
    await failed.locator('tr.row').click();
    assert.equal(await failed.locator('tr.detail').isVisible(), true);
    const hrefs = await failed.locator('ul.evidence a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    assert.deepEqual(hrefs.sort(), ['evidence/sim-bp-cnpg-2026-11-22.json', 'evidence/sim-bp-cnpg-2026-11-22.log', 'evidence/sim-cnpg-healthz-2026-11-22.json']);
    for (const href of hrefs) assert.ok(existsSync(join(runDir, href)), `${href} exists in the run folder`);
    assert.match(await failed.locator('table.steps').innerText(), /HelmRelease Ready/);

    // A root-cause link opens the gate it names.
    const blocked = page.locator(`tbody.gate[data-status="blocked"]`).first();
    await blocked.locator('td.root a').click();
    await page.waitForFunction((id) => location.hash === `#${id}`, `g-${FAILED_GATE.replace(/[^A-Za-z0-9._-]+/g, '_')}`);

    // Screenshot evidence is shown from the run folder (file: images are allowed by the page's CSP).
    const journey = page.locator('tbody.gate', { hasText: 'journeys/console-sign-in' });
    await journey.locator('tr.row').click();
    const img = journey.locator('ul.evidence img');
    await img.scrollIntoViewIfNeeded();
    assert.ok(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth === 160), 'screenshot thumbnail loaded');

    // Gantt: one bar per readiness gate, the critical path outlined in order.
    const readiness = summary.gates.filter((g) => g.suite === 'readiness');
    assert.equal(await page.locator('#readiness svg g.gantt_bars_marks path').count(), readiness.length);
    const critical = await page.locator('#readiness svg g.gantt_critical_marks path').evaluateAll((ps) => ps.map((p) => p.getAttribute('aria-label') ?? ''));
    assert.deepEqual(critical.map((l) => l.split(':')[0]), CRITICAL_PATH);
    assert.ok(critical.every((l) => l.includes('critical path')));
    assert.match(await page.getByTestId('critical-path').innerText(), new RegExp(CRITICAL_PATH.map((id) => id.replace(/[.]/g, '\\.')).join(' → ')));

    // Timelines contributed by suites are rendered inline and written as SVG files.
    assert.equal(await page.locator('#timelines figure svg').count(), 1);
    assert.ok(existsSync(join(runDir, 'charts/journeys-latency.svg')));
    assert.ok(existsSync(join(runDir, 'charts/readiness-gantt.svg')));

    await page.click('#gates [data-filter-status="failed"]');
    await page.evaluate(() => window.scrollTo(0, 0));
    const shot = join(runDir, 'report-failed-run.png');
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot: ${shot}`);
    console.log(`screenshot: ${shot}`);
    assert.ok(existsSync(shot));

    assert.deepEqual(external, [], 'the report fetched nothing outside the run folder');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
  }
});

test('index.html of a passing run shows TRUE READY and no root causes', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'sw-report-html-pass-'));
  try {
    await writeReports(runDir, buildSummary(writePassingRun(runDir)));
    const { browser, page, external, pageErrors } = await openOffline(join(runDir, 'index.html'));
    try {
      assert.match(await page.getByTestId('verdict').innerText(), /TRUE READY/);
      assert.match(await page.locator('.verdict .line').innerText(), /TRUE READY — all 3 checks pass\./);
      assert.match(await page.locator('section', { hasText: 'Root causes' }).innerText(), /Every check passed/);
      assert.equal(await page.locator('#readiness svg g.gantt_bars_marks path').count(), 2);
      assert.equal(await page.locator('#readiness svg g.gantt_critical_marks path').count(), 2);
      assert.equal(await page.locator('#timelines').count(), 0);
      assert.deepEqual(external, []);
      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
});
