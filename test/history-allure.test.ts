/**
 * Allure's own history is carried in the walk history store: `npm run report -- --history-dir`
 * reads and appends `<store>/<sovereign>/allure/<scope>.jsonl`, so the site's trend widgets
 * ("Status dynamics") span the walks. Hand-made Allure results stand in for a Playwright run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { T38, walkSummary } from './history-fixture.js';

const REPORT_CLI = join(ROOT, 'dist/cli/report.js');
const GATE = 'readiness/01-bp-cilium';

/** A run folder with summary.json and one Allure result for GATE. */
function run(dir: string, night: number, status: 'passed' | 'failed'): { runDir: string; runId: string } {
  const summary = walkSummary({ night, gates: [[GATE, status]] });
  const runDir = join(dir, summary.runId);
  mkdirSync(join(runDir, 'allure-results'), { recursive: true });
  writeFileSync(join(runDir, 'summary.json'), JSON.stringify(summary));
  const start = Date.parse(summary.startedAt);
  const result = { uuid: `u${night}`, historyId: 'gate-01', testCaseId: 'gate-01', name: GATE, fullName: GATE, status, stage: 'finished', start, stop: start + 5, labels: [{ name: 'suite', value: 'readiness' }], steps: [], attachments: [], parameters: [] };
  writeFileSync(join(runDir, 'allure-results', `u${night}-result.json`), JSON.stringify(result));
  return { runDir, runId: summary.runId };
}

function report(runDir: string, args: string[] = []) {
  const r = spawnSync(process.execPath, [REPORT_CLI, runDir, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, SW_HISTORY_DIR: '' } });
  assert.equal(r.status, 0, r.stderr);
}

/** The "Status dynamics" points the single-file Allure site embeds. */
function statusDynamics(runDir: string): { name?: string; statistic: Record<string, number> }[] {
  const html = readFileSync(join(runDir, 'allure-report', 'index.html'), 'utf8');
  const m = /d\("widgets\/charts\.json","([^"]+)"\)/.exec(html);
  assert.ok(m, 'charts.json is embedded');
  const charts = JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')) as { general: Record<string, { type: string; data: { name?: string; statistic: Record<string, number> }[] }> };
  return Object.values(charts.general).find((c) => c.type === 'statusDynamics')?.data ?? [];
}

test('the Allure site carries its history across walks through the store, and only when asked', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-history-allure-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = join(dir, 'history');
  const first = run(dir, 0, 'failed');
  const second = run(dir, 1, 'passed');
  report(first.runDir, ['--history-dir', store]);
  report(second.runDir, ['--history-dir', store]);
  const file = join(store, T38, 'allure', 'readiness.jsonl');
  assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 2, 'one data point per site built');
  const points = statusDynamics(second.runDir);
  assert.equal(points.length, 2, JSON.stringify(points));
  assert.ok(points.some((p) => p.name?.includes(first.runId) && p.statistic.failed === 1), 'the earlier, failed walk is in the trend');

  const alone = run(join(dir, 'alone'), 2, 'passed');
  report(alone.runDir);
  assert.equal(statusDynamics(alone.runDir).length, 1, 'without a store: this walk only');
  assert.equal(existsSync(join(dir, 'alone', 'history')), false);
});
