/**
 * The journeys' live progress reporter: plain timestamped lines in a real Playwright run (passed,
 * failed, blocked with its root cause, harness error, skipped, per-suite counters), and the
 * updating TTY view with the gate in progress and the worker's output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TestCase, TestResult } from '@playwright/test/reporter';
import ProgressReporter, { classify } from '../src/pw/progress-reporter.js';
import { BLOCKED_GATES, ERROR_GATE, FAILED_GATE, T0, writeFailedRun } from './report-fixture.js';
import { runGatesThroughPlaywright } from './report-pw-fixture.js';

const TS = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
const DUR = '\\((?:\\d+ms|\\d+\\.\\ds)\\)';
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

test('plain mode in a real Playwright run: one timestamped line per gate, blocked with its root cause, counters', (t) => {
  const work = mkdtempSync(join(tmpdir(), 'sw-report-progress-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const runDir = join(work, 'run');
  mkdirSync(runDir);
  writeFailedRun(runDir);
  const r = runGatesThroughPlaywright(work, runDir, ['readiness', 'dod', 'journeys', 'failover']);
  assert.equal(r.status, 1, r.stderr);
  const out = r.stdout;
  // Each gate's own duration (startedAt → finishedAt), the same the HTML and junit.xml show.
  assert.match(out, new RegExp(`^${TS} readiness ✓ readiness/01-bp-cilium \\(21\\.0s\\)$`, 'm'));
  assert.match(out, new RegExp(`^${TS} readiness ✗ ${esc(FAILED_GATE)} \\(5m00s\\) FAILED: HelmRelease bp-cnpg not Ready after 300s`, 'm'));
  for (const id of BLOCKED_GATES) assert.match(out, new RegExp(`^${TS} readiness ⊘ ${esc(id)} ${DUR} BLOCKED by ${esc(FAILED_GATE)}$`, 'm'));
  assert.match(out, new RegExp(`^${TS} dod ! ${esc(ERROR_GATE)} \\(15\\.0s\\) HARNESS ERROR: kube API of hz-hel-rtz-prod unreachable`, 'm'));
  assert.match(out, new RegExp(`^${TS} failover – failover/region-kill ${DUR} SKIPPED: chaos not allowed`, 'm'));
  assert.match(out, new RegExp(`^${TS} readiness ✓ 7 {2}✗ 1 {2}⊘ 3 {2}! 0 {2}– 0 {2}11/11 in `, 'm'));
  assert.match(out, new RegExp(`^${TS} dod ✓ 1 {2}✗ 0 {2}⊘ 0 {2}! 1 {2}– 0 {2}2/2 in `, 'm'));
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

test('TTY mode: updating view with counters, the gate in progress and its output', () => {
  let now = T0;
  const stream = new FakeTty();
  const reporter = new ProgressReporter({ tty: true, stream: stream as unknown as NodeJS.WriteStream, now: () => now });
  const project = { name: 'journeys' };
  const mk = (id: string, title: string) => ({ id, title, annotations: [], parent: { project: () => project }, titlePath: () => ['', 'failover', title] }) as unknown as TestCase;
  const running = mk('h', 'journeys/voucher-redeemed');
  const next = mk('n', 'journeys/organization-ready');
  reporter.onBegin({} as never, { suites: [{ project: () => project, title: 'journeys', allTests: () => [running, next] }] } as never);
  reporter.onTestBegin(running);
  now = T0 + 348_000;
  reporter.onStdOut('mail arrived\n', running);
  const view = stream.text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  assert.match(view, /journeys {2}✓ 0 {2}✗ 0 {2}⊘ 0 {2}! 0 {2}– 0 {2}0\/2/);
  assert.match(view, /▶ journeys\/voucher-redeemed 5m48s/);
  assert.match(view, /│ mail arrived/);
  reporter.onTestEnd(running, { status: 'passed', duration: 600_000, annotations: [] } as unknown as TestResult);
  reporter.onEnd({ status: 'passed' } as never);
  assert.match(stream.text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''), /journeys ✓ journeys\/voucher-redeemed \(10m00s\)/);
  assert.ok(stream.text.includes('\u001b[32m'), 'colours on a TTY');
});

test('classify reads the outcome reportGate gave the test', () => {
  const tc = { annotations: [] } as unknown as TestCase;
  const res = (status: string, extra: Record<string, unknown> = {}) => ({ status, duration: 5000, annotations: [], ...extra }) as unknown as TestResult;
  assert.deepEqual(classify(tc, res('passed')), { status: 'passed' });
  assert.deepEqual(classify(tc, res('failed', { error: { message: 'GateFailure: FAILED readiness/07-bp-cnpg: not ready' } })), { status: 'failed', detail: 'not ready' });
  assert.deepEqual(classify(tc, res('failed', { error: { message: 'HarnessError: HARNESS ERROR dod/x: api down' } })), { status: 'error', detail: 'api down' });
  assert.deepEqual(classify(tc, res('failed', { error: { message: "TypeError: Cannot read properties of undefined (reading 'status')" } })), { status: 'error', detail: "TypeError: Cannot read properties of undefined (reading 'status')" });
  assert.deepEqual(classify(tc, res('timedOut', { error: { message: 'Test timeout of 30000ms exceeded.' } })), { status: 'error', detail: 'timed out after 5.0s' });
  assert.deepEqual(classify(tc, res('skipped', { annotations: [{ type: 'skip', description: 'BLOCKED by readiness/07-bp-cnpg: dependency failed' }] })), { status: 'blocked', detail: 'readiness/07-bp-cnpg' });
  assert.deepEqual(classify(tc, res('skipped', { annotations: [{ type: 'skip', description: 'SKIPPED: chaos not allowed' }] })), { status: 'skipped', detail: 'chaos not allowed' });
});
