/**
 * The walk reports the suites it judges itself (src/walk/report-suite.ts), as Playwright used to
 * with one test per gate. For the same judged gates (every status, steps, evidence, a failover
 * failure a readiness root cause explains), the gate files (which summary.json, junit.xml,
 * summary.md and index.html are built from) and the Allure results must say what Playwright's
 * said: test/fixtures/reporting/golden-*.json were written by the Playwright path at commit
 * b4a9545, the last that had it, and are compared without what identifies the runner
 * (test/helpers/allure-normal.ts).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gate } from '../src/gates/types.js';
import { readGates } from '../src/gates/recorder.js';
import { reportSuite } from '../src/walk/report-suite.js';
import { REPO_ROOT } from '../src/repo-root.js';
import { normalAllureResults } from './helpers/allure-normal.js';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'reporting');
const readJson = <T>(name: string) => JSON.parse(readFileSync(join(FIXTURE, name), 'utf8')) as T;
const NOT_JUDGED = / suite did not judge /;

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function reportFixture(): string {
  const runDir = mkdtempSync(join(tmpdir(), 'sw-report-golden-'));
  dirs.push(runDir);
  cpSync(join(FIXTURE, 'evidence'), join(runDir, 'evidence'), { recursive: true });
  const judged = readJson<Record<string, Gate[]>>('judged-gates.json');
  // The gates each suite reported then (the kit's 48 slots, the cutover and failover gates of that commit).
  const reported = readJson<Gate[]>('golden-gates.json');
  for (const suite of ['readiness', 'cutover', 'failover']) {
    const gates = new Map(judged[suite].map((g) => [g.id, g]));
    reportSuite(runDir, suite, reported.filter((g) => g.suite === suite).map((g) => g.id), gates, () => {});
  }
  return runDir;
}

test('the gate files say what they said when Playwright reported the same gates', () => {
  const runDir = reportFixture();
  const gates = readGates(runDir)
    .map((g) => (NOT_JUDGED.test(g.reason) ? { ...g, startedAt: '<reported>', finishedAt: '<reported>' } : g))
    .sort((a, b) => a.id.localeCompare(b.id));
  assert.deepEqual(gates, readJson<Gate[]>('golden-gates.json'));
  const rto = gates.find((g) => g.id === 'failover/d31-rto')!;
  assert.equal(rto.status, 'blocked', 'a failure a readiness gate explains is blocked by it');
  assert.equal(rto.rootCause, 'readiness/02-bp-cert-manager');
});

test('the Allure results say what allure-playwright wrote for the same gates: names, statuses, messages, labels, steps, attachments byte for byte', () => {
  const runDir = reportFixture();
  assert.deepEqual(normalAllureResults(join(runDir, 'allure-results')), readJson('golden-allure.json'));
});

test('the Allure results carry each gate\'s own span and a timeline lane per suite', () => {
  const runDir = reportFixture();
  const dir = join(runDir, 'allure-results');
  const results = readdirSync(dir).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { historyId: string; start: number; stop: number; labels: { name: string; value: string }[] });
  const failed = results.find((r) => r.historyId === 'readiness/02-bp-cert-manager')!;
  assert.equal(failed.start, Date.parse('2026-12-07T10:00:04.000Z'));
  assert.equal(failed.stop, Date.parse('2026-12-07T10:00:40.000Z'));
  assert.deepEqual(failed.labels.filter((l) => l.name === 'thread'), [{ name: 'thread', value: 'readiness' }]);
});
