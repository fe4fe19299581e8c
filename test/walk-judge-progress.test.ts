/**
 * Progress of a suite the walk judges itself: plain timestamped lines (begin, hold announced,
 * the hold's remaining time on every tick, the outcome, then each reported gate and the suite's
 * counters) and, on a terminal, the same lines above an updating view with the hold's countdown
 * and ETA.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JudgeProgress } from '../src/walk/judge-progress.js';
import { announceHold } from '../src/report/progress-protocol.js';
import type { Gate } from '../src/gates/types.js';

const TS = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('plain lines: judging, the hold announced and ticking with its ETA, the outcome', async () => {
  let out = '';
  const p = new JudgeProgress({ write: (s) => (out += s), tickMs: 40 });
  p.begin('cutover');
  announceHold(Date.now() + 30_000, 'deny-egress hold');
  await sleep(150);
  p.end('judged');
  assert.match(out, new RegExp(`^${TS} cutover ▶ judging$`, 'm'));
  assert.match(out, new RegExp(`^${TS} cutover ⏳ holding deny-egress hold for (29\\.\\d|30\\.0)s, until ${TS}$`, 'm'));
  assert.match(out, new RegExp(`^${TS} cutover ⏳ holding deny-egress hold — (29\\.\\d|30\\.0)s left, ETA ${TS}$`, 'm'));
  assert.match(out, new RegExp(`^${TS} cutover judged \\(\\d+ms\\)\\n$`, 'm'));
  const after = out.length;
  await sleep(100);
  assert.equal(out.length, after, 'the hold stops ticking when the judge ends');
});

test('a terminal gets the updating view: elapsed time, the countdown and ETA, cleared at the end', async () => {
  let screen = '';
  const tty = { isTTY: true, columns: 120, rows: 40, write: (s: string) => ((screen += s), true), on: () => tty, once: () => tty, off: () => tty, removeListener: () => tty } as unknown as NodeJS.WriteStream;
  const p = new JudgeProgress({ write: () => assert.fail('plain lines on a terminal'), tty });
  p.begin('cutover');
  const until = Date.now() + 600_000;
  announceHold(until, 'deny-egress hold');
  const plain = screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  assert.match(plain, /cutover ▶ judging/);
  assert.match(plain, new RegExp(`⏳ deny-egress hold: hold (9m\\d\\ds|10m00s|10m) left · ETA ${new Date(until).toISOString().slice(11, 19)}Z`));
  p.end('judged');
  assert.match(screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''), /cutover judged \(\d+ms\)\n$/);
});

test('reported gates: one line each with the gate\'s own duration and why it did not pass, then the suite\'s counters', () => {
  let out = '';
  const p = new JudgeProgress({ write: (s) => (out += s) });
  p.begin('readiness');
  p.end('judged');
  const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 10, 0, s)).toISOString();
  const g = (id: string, status: Gate['status'], reason: string, extra: Partial<Gate> = {}): Gate => ({ id, suite: 'readiness', title: id, status, reason, startedAt: at(0), finishedAt: at(21), labels: {}, evidence: [], ...extra });
  const gates = [
    g('readiness/01-bp-cilium', 'passed', 'Ready'),
    g('readiness/02-bp-cert-manager', 'failed', 'not Ready after 300s'),
    g('readiness/03-bp-flux', 'blocked', "dependency 'cert-manager/bp-cert-manager' is not ready", { rootCause: 'readiness/02-bp-cert-manager' }),
    g('readiness/04-bp-crossplane', 'error', 'kube API unreachable'),
    g('readiness/05-bp-sealed-secrets', 'skipped', 'not in this kit'),
  ];
  for (const x of gates) p.gate(x.id, x);
  p.reported(gates);
  assert.match(out, new RegExp(`^${TS} readiness ✓ readiness/01-bp-cilium \\(21\\.0s\\)$`, 'm'));
  assert.match(out, new RegExp(`^${TS} readiness ✗ readiness/02-bp-cert-manager \\(21\\.0s\\) FAILED: not Ready after 300s$`, 'm'));
  assert.match(out, new RegExp(`^${TS} readiness ⊘ readiness/03-bp-flux \\(21\\.0s\\) BLOCKED by readiness/02-bp-cert-manager$`, 'm'));
  assert.match(out, new RegExp(`^${TS} readiness ! readiness/04-bp-crossplane \\(21\\.0s\\) HARNESS ERROR: kube API unreachable$`, 'm'));
  assert.match(out, new RegExp(`^${TS} readiness – readiness/05-bp-sealed-secrets \\(21\\.0s\\) SKIPPED: not in this kit$`, 'm'));
  assert.match(out, new RegExp(`^${TS} readiness ✓ 1 {2}✗ 1 {2}⊘ 1 {2}! 1 {2}– 1 {2}5/5 in \\d+ms \\(failed\\)$`, 'm'));
});
