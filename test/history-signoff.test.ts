/** Release sign-off on the walk history: two consecutive green walks, named, and no flip within the window. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeSignoff, signoffMarkdown } from '../src/history/signoff.js';
import { newestFirst } from '../src/history/entry.js';
import type { GateStatus } from '../src/gates/types.js';
import { T38, walk } from './history-fixture.js';

const FULL = ['readiness', 'dod', 'journeys', 'cutover', 'failover'];
const GATES = ['readiness/01-bp-cilium', 'dod/L2.1-nodes', 'journeys/console-sign-in'];

/** One full walk per row; `P`/`F` per gate of GATES. */
function history(rows: string[]) {
  return rows.map((row, night) => walk({ night, suites: FULL, gates: [...row].map((c, i) => [GATES[i], (c === 'P' ? 'passed' : 'failed') as GateStatus]) })).sort(newestFirst);
}

test('two consecutive green walks and no flip: signed off, naming both runs', () => {
  const h = history(['PPP', 'PPP', 'PPP']);
  const v = judgeSignoff(T38, h);
  assert.equal(v.signedOff, true, JSON.stringify(v));
  assert.deepEqual(v.walks.map((w) => w.runId), [h[1].runId, h[0].runId]);
  assert.match(signoffMarkdown(v), new RegExp(`^\\*\\*SIGNED OFF\\*\\* on the walk history: two consecutive GREEN walks of ${T38}, runs \`${h[1].runId}\` and \`${h[0].runId}\``));
});

test('a red walk among the two is refused and named', () => {
  const v = judgeSignoff(T38, history(['PPP', 'PFP', 'PPP']));
  assert.equal(v.signedOff, false);
  assert.match(v.problems.join(), /walk \S+ is not green \(1 gates not passing\)/);
  assert.match(signoffMarkdown(v), /^\*\*NOT SIGNED OFF\*\*/);
});

test('a gate that flipped within the window is refused even when both walks are green; an older flip is not', () => {
  const flipped = judgeSignoff(T38, history(['PPP', 'FPP', 'PPP', 'PPP']));
  assert.equal(flipped.signedOff, false);
  assert.deepEqual(flipped.flips.map((f) => [f.id, f.walks.map((w) => w.status)]), [[GATES[0], ['passed', 'failed', 'passed', 'passed']]]);
  assert.match(signoffMarkdown(flipped), /`readiness\/01-bp-cilium` changed state within its last 4 walks ✅❌✅✅ .*a flip is not green/);
  assert.equal(judgeSignoff(T38, history(['PPP', 'FPP', 'PPP', 'PPP']), 2).signedOff, true, 'outside a window of 2 walks');
  assert.equal(judgeSignoff(T38, history(['FPP', 'PPP', 'PPP', 'PPP', 'PPP', 'PPP'])).signedOff, true, 'older than the last 5 walks');
});

test('fewer than two walks of the scope is refused; the pair is of the newest walk\'s scope', () => {
  const one = judgeSignoff(T38, history(['PPP']));
  assert.equal(one.signedOff, false);
  assert.match(one.problems[0], /holds 1 walk of t38\.omani\.works covering readiness\+dod\+journeys\+cutover\+failover; a sign-off needs two consecutive green walks/);
  assert.match(judgeSignoff(T38, []).problems[0], /holds 0 walks/);
  const full = history(['PPP', 'PPP']);
  const nightly = walk({ night: 1, minutes: 30, suites: ['readiness', 'dod'], gates: [[GATES[0], 'failed']] });
  const mixed = [...full, nightly].sort(newestFirst);
  const v = judgeSignoff(T38, [walk({ night: 2, suites: FULL, gates: GATES.map((id) => [id, 'passed']) }), ...mixed]);
  assert.deepEqual(v.walks.map((w) => w.scope), ['readiness+dod+journeys+cutover+failover', 'readiness+dod+journeys+cutover+failover']);
  assert.equal(v.flips.length, 1, 'the nightly walk in between still counts for flips of its gates');
});
