/**
 * `npm run report` builds the Allure site from a real allure-results folder: the gates of a failed
 * run reported through the walk's own reporting (src/walk/report-suite.ts), plus the categories
 * and environment files writeReports adds. The single-file site embeds its data; the test decodes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSummary, writeReports } from '../src/report/write-reports.js';
import { newestRunDir } from '../src/report/run-dirs.js';
import { BLOCKED_GATES, ERROR_GATE, FAILED_GATE, writeFailedRun } from './report-fixture.js';
import { reportGatesThroughWalk } from './report-walk-fixture.js';
import { REPO_ROOT as REPO } from '../src/repo-root.js';

function npmReport(args: string[]) {
  const r = spawnSync('npm', ['run', '--silent', 'report', '--', ...args], { cwd: REPO, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The single-file Allure report embeds each data file as `d("<path>","<base64>")`. */
function embedded(html: string, path: string): unknown {
  const m = new RegExp(`d\\("${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}","([^"]+)"\\)`).exec(html);
  assert.ok(m, `${path} is embedded in the Allure report`);
  return JSON.parse(Buffer.from(m[1], 'base64').toString('utf8'));
}

interface CategoryNode {
  type: string;
  name: string;
  childrenIds?: string[];
}

function categoryMembers(tree: { roots: string[]; nodes: Record<string, CategoryNode> }): Record<string, string[]> {
  const leaves = (id: string): string[] => {
    const n = tree.nodes[id];
    return n.type === 'tr' ? [n.name] : (n.childrenIds ?? []).flatMap(leaves);
  };
  return Object.fromEntries(tree.roots.map((r) => [tree.nodes[r].name, leaves(r).sort()]));
}

test('npm run report builds the Allure site (newest run by default) with our categories, labels and environment', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'sw-report-allure-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const runDir = join(work, 'run');
  mkdirSync(runDir);
  const input = writeFailedRun(runDir);
  const { gates } = reportGatesThroughWalk(runDir, ['readiness', 'dod', 'journeys', 'failover']);
  assert.equal(gates.length, 15);
  await writeReports(runDir, buildSummary(input));

  // An older run that must not be picked by default.
  const older = join(work, 'older-run');
  mkdirSync(older);
  writeFileSync(join(older, 'summary.json'), '{}');
  utimesSync(join(older, 'summary.json'), new Date('2020-01-01'), new Date('2020-01-01'));
  assert.equal(newestRunDir(work), runDir);

  const r = npmReport(['--reports', work]);
  assert.equal(r.status, 0, r.stderr);
  const index = join(runDir, 'allure-report', 'index.html');
  assert.ok(r.stdout.includes(index));
  assert.ok(!existsSync(join(older, 'allure-report')));
  const html = readFileSync(index, 'utf8');

  const members = categoryMembers(embedded(html, 'widgets/categories.json') as { roots: string[]; nodes: Record<string, CategoryNode> });
  assert.deepEqual(members['Product failures'], [FAILED_GATE]);
  assert.deepEqual(members['Blocked by a failed dependency'], [...BLOCKED_GATES].sort());
  assert.deepEqual(members['Harness / infrastructure errors'], [ERROR_GATE]);
  assert.deepEqual(members['Skipped (not applicable)'], ['failover/region-kill']);

  const env = embedded(html, 'widgets/allure_environment.json') as { name: string; values: string[] }[];
  assert.deepEqual(env.find((e) => e.name === 'Sovereign')?.values, ['sim.sovereign-walk.test']);
  assert.deepEqual(env.find((e) => e.name === 'Verdict')?.values, ['fail']);

  const results = JSON.parse(readFileSync(join(runDir, 'allure-report', 'test-results.json'), 'utf8')) as { byId: Record<string, { name: string; status: string }> };
  const byName = new Map(Object.entries(results.byId).map(([id, t]) => [t.name, { id, status: t.status }]));
  assert.equal(byName.size, 15);
  assert.equal(byName.get(FAILED_GATE)?.status, 'failed');
  assert.equal(byName.get(BLOCKED_GATES[0])?.status, 'skipped');
  const failed = embedded(html, `data/test-results/${byName.get(FAILED_GATE)?.id}.json`) as { labels: { name: string; value: string }[]; steps: unknown[] };
  const label = (n: string) => failed.labels.find((l) => l.name === n)?.value;
  assert.equal(label('parentSuite'), 'readiness');
  assert.equal(label('dodGate'), '07');
  assert.equal(label('slot'), '07');
  assert.equal(label('severity'), 'critical');
  const attachments = JSON.stringify(failed.steps);
  for (const name of ['sim-bp-cnpg-2026-11-22.json', 'sim-cnpg-healthz-2026-11-22.json', 'sim-bp-cnpg-2026-11-22.log']) assert.ok(attachments.includes(name), `${name} attached`);
});

test('npm run report fails with exit 2 and one line when there are no Allure results', (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'sw-report-allure-empty-'));
  t.after(() => rmSync(runDir, { recursive: true, force: true }));
  const r = npmReport([runDir]);
  assert.equal(r.status, 2);
  assert.match(r.stderr.trim(), /^report: no Allure results in .*allure-results: run a walk first$/);
});
