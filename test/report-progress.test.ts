/**
 * The walk's live progress of the gates it reports: plain timestamped lines (passed, failed,
 * blocked with its root cause, harness error, skipped, per-suite counters) for the gates of a
 * failed run reported through the walk's own reporting. The updating terminal view is
 * test/walk-judge-progress.test.ts's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BLOCKED_GATES, ERROR_GATE, FAILED_GATE, writeFailedRun } from './report-fixture.js';
import { reportGatesThroughWalk } from './report-walk-fixture.js';

const TS = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
const DUR = '\\((?:\\d+ms|\\d+\\.\\ds)\\)';
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

test('plain mode: one timestamped line per gate, blocked with its root cause, counters', (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'sw-report-progress-'));
  t.after(() => rmSync(runDir, { recursive: true, force: true }));
  writeFailedRun(runDir);
  const { out, gates } = reportGatesThroughWalk(runDir, ['readiness', 'dod', 'journeys', 'failover']);
  assert.equal(gates.length, 15);
  // Each gate's own duration (startedAt → finishedAt), the same the HTML and junit.xml show.
  assert.match(out, new RegExp(`^${TS} readiness ✓ readiness/01-bp-cilium \\(21\\.0s\\)$`, 'm'));
  assert.match(out, new RegExp(`^${TS} readiness ✗ ${esc(FAILED_GATE)} \\(5m00s\\) FAILED: HelmRelease bp-cnpg not Ready after 300s`, 'm'));
  for (const id of BLOCKED_GATES) assert.match(out, new RegExp(`^${TS} readiness ⊘ ${esc(id)} ${DUR} BLOCKED by ${esc(FAILED_GATE)}$`, 'm'));
  assert.match(out, new RegExp(`^${TS} dod ! ${esc(ERROR_GATE)} \\(15\\.0s\\) HARNESS ERROR: kube API of hz-hel-rtz-prod unreachable`, 'm'));
  assert.match(out, new RegExp(`^${TS} failover – failover/region-kill ${DUR} SKIPPED: chaos not allowed`, 'm'));
  assert.match(out, new RegExp(`^${TS} readiness ✓ 7 {2}✗ 1 {2}⊘ 3 {2}! 0 {2}– 0 {2}11/11 in \\d+ms \\(failed\\)$`, 'm'));
  assert.match(out, new RegExp(`^${TS} dod ✓ 1 {2}✗ 0 {2}⊘ 0 {2}! 1 {2}– 0 {2}2/2 in \\d+ms \\(failed\\)$`, 'm'));
  assert.match(out, new RegExp(`^${TS} journeys ✓ 1 {2}✗ 0 {2}⊘ 0 {2}! 0 {2}– 0 {2}1/1 in \\d+ms \\(passed\\)$`, 'm'));
  assert.ok(!out.includes('\u001b['), 'no colour codes in plain mode');
});
