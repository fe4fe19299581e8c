/**
 * The live progress reporter: plain timestamped lines in a real Playwright run (passed, failed,
 * blocked with its root cause, harness error, skipped, a hold with its ETA, per-suite counters),
 * and the updating TTY view with the gate in progress and the hold countdown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TestCase, TestResult } from '@playwright/test/reporter';
import ProgressReporter, { classify } from '../src/pw/progress-reporter.js';
import { PROGRESS_PREFIX, parseProgressLine } from '../src/report/progress-protocol.js';
import { BLOCKED_GATES, ERROR_GATE, FAILED_GATE, T0, writeFailedRun } from './report-fixture.js';
import { runGatesThroughPlaywright } from './report-pw-fixture.js';

const TS = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
const DUR = '\\((?:\\d+ms|\\d+\\.\\ds)\\)';
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

test('plain mode in a real Playwright run: one timestamped line per gate, blocked with its root cause, hold ETA, counters', (t) => {
  const work = mkdtempSync(join(tmpdir(), 'sw-report-progress-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const runDir = join(work, 'run');
  mkdirSync(runDir);
  writeFailedRun(runDir);
  const r = runGatesThroughPlaywright(work, runDir, ['readiness', 'dod', 'journeys', 'failover'], { holdMs: 2500, holdTickMs: 1000 });
  assert.equal(r.status, 1, r.stderr);
  const out = r.stdout;
  // Each gate's own duration (startedAt → finishedAt), the same the HTML and junit.xml show.
  assert.match(out, new RegExp(`^${TS} readiness ✓ readiness/01-bp-cilium \\(21\\.0s\\)$`, 'm'));
  assert.match(out, new RegExp(`^${TS} readiness ✗ ${esc(FAILED_GATE)} \\(5m00s\\) FAILED: HelmRelease bp-cnpg not Ready after 300s`, 'm'));
  for (const id of BLOCKED_GATES) assert.match(out, new RegExp(`^${TS} readiness ⊘ ${esc(id)} ${DUR} BLOCKED by ${esc(FAILED_GATE)}$`, 'm'));
  assert.match(out, new RegExp(`^${TS} dod ! ${esc(ERROR_GATE)} \\(15\\.0s\\) HARNESS ERROR: kube API of hz-hel-rtz-prod unreachable`, 'm'));
  assert.match(out, new RegExp(`^${TS} failover – failover/region-kill ${DUR} SKIPPED: chaos not allowed`, 'm'));
  // The first gate (dod/L1.1 in id order) announced a 2.5 s hold: announced, then a countdown with ETA.
  assert.match(out, new RegExp(`^${TS} dod ⏳ dod/L1\\.1-record-ready holding test-hold for 2\\.5s, until ${TS}$`, 'm'));
  assert.match(out, new RegExp(`^${TS} dod ⏳ dod/L1\\.1-record-ready holding test-hold — (?:\\d+ms|\\d+\\.\\ds) left, ETA ${TS}$`, 'm'));
  assert.match(out, new RegExp(`^${TS} readiness ✓ 7 {2}✗ 1 {2}⊘ 3 {2}! 0 {2}– 0 {2}11/11 in `, 'm'));
  assert.match(out, new RegExp(`^${TS} dod ✓ 1 {2}✗ 0 {2}⊘ 0 {2}! 1 {2}– 0 {2}2/2 in `, 'm'));
  assert.ok(!out.includes(PROGRESS_PREFIX), 'protocol lines are swallowed');
  assert.ok(!out.includes('\u001b['), 'no colour codes in plain mode');
});

class FakeTty extends Writable {
  isTTY = true;
  columns = 120;
  rows = 40;
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

test('TTY mode: updating view with counters, the gate in progress and the hold countdown', () => {
  let now = T0;
  const stream = new FakeTty();
  const reporter = new ProgressReporter({ tty: true, stream: stream as unknown as NodeJS.WriteStream, now: () => now });
  const project = { name: 'failover' };
  const mk = (id: string, title: string) => ({ id, title, annotations: [], parent: { project: () => project }, titlePath: () => ['', 'failover', title] }) as unknown as TestCase;
  const hold = mk('h', 'failover/deny-egress-hold');
  const next = mk('n', 'failover/gitops-green');
  reporter.onBegin({} as never, { suites: [{ project: () => project, title: 'failover', allTests: () => [hold, next] }] } as never);
  reporter.onTestBegin(hold);
  reporter.onStdOut(`${PROGRESS_PREFIX}${JSON.stringify({ hold: { untilMs: T0 + 600_000, label: 'deny-egress' } })}\n`, hold);
  now = T0 + 348_000;
  reporter.onStdOut('egress blocked as expected\n', hold);
  const view = stream.text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  assert.match(view, /failover {2}✓ 0 {2}✗ 0 {2}⊘ 0 {2}! 0 {2}– 0 {2}0\/2/);
  assert.match(view, /▶ failover\/deny-egress-hold 5m48s/);
  assert.match(view, /⏳ deny-egress: hold 4m12s left · ETA 10:10:00Z/);
  assert.match(view, /│ egress blocked as expected/);
  reporter.onTestEnd(hold, { status: 'passed', duration: 600_000, annotations: [] } as unknown as TestResult);
  reporter.onEnd({ status: 'passed' } as never);
  assert.match(stream.text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''), /failover ✓ failover\/deny-egress-hold \(10m00s\)/);
  assert.ok(stream.text.includes('\u001b[32m'), 'colours on a TTY');
});

test('classify reads the outcome reportGate gave the test; the protocol parser rejects junk', () => {
  const tc = { annotations: [] } as unknown as TestCase;
  const res = (status: string, extra: Record<string, unknown> = {}) => ({ status, duration: 5000, annotations: [], ...extra }) as unknown as TestResult;
  assert.deepEqual(classify(tc, res('passed')), { status: 'passed' });
  assert.deepEqual(classify(tc, res('failed', { error: { message: 'GateFailure: FAILED readiness/07-bp-cnpg: not ready' } })), { status: 'failed', detail: 'not ready' });
  assert.deepEqual(classify(tc, res('failed', { error: { message: 'HarnessError: HARNESS ERROR dod/x: api down' } })), { status: 'error', detail: 'api down' });
  assert.deepEqual(classify(tc, res('failed', { error: { message: "TypeError: Cannot read properties of undefined (reading 'status')" } })), { status: 'error', detail: "TypeError: Cannot read properties of undefined (reading 'status')" });
  assert.deepEqual(classify(tc, res('timedOut', { error: { message: 'Test timeout of 30000ms exceeded.' } })), { status: 'error', detail: 'timed out after 5.0s' });
  assert.deepEqual(classify(tc, res('skipped', { annotations: [{ type: 'skip', description: 'BLOCKED by readiness/07-bp-cnpg: dependency failed' }] })), { status: 'blocked', detail: 'readiness/07-bp-cnpg' });
  assert.deepEqual(classify(tc, res('skipped', { annotations: [{ type: 'skip', description: 'SKIPPED: chaos not allowed' }] })), { status: 'skipped', detail: 'chaos not allowed' });
  assert.deepEqual(parseProgressLine(`${PROGRESS_PREFIX}{"hold":{"untilMs":5}}`), { hold: { untilMs: 5, label: undefined } });
  assert.deepEqual(parseProgressLine(`${PROGRESS_PREFIX}{"hold":null}`), { hold: null });
  assert.equal(parseProgressLine(`${PROGRESS_PREFIX}{"hold":{"untilMs":"soon"}}`), undefined);
  assert.equal(parseProgressLine(`${PROGRESS_PREFIX}not json`), undefined);
  assert.equal(parseProgressLine('plain output'), undefined);
});
