/** The history comparison on synthetic walks: every classification, each shown to hold and to fail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWalk, nothingChanged } from '../src/history/compare.js';
import { MIN_SAMPLES } from '../src/history/spread.js';
import type { GateStatus } from '../src/gates/types.js';
import { T38, T40, walk, type WalkSpec } from './history-fixture.js';

const A = 'readiness/01-bp-cilium';
const B = 'readiness/02-bp-cert-manager';
const C = 'dod/L2.1-nodes';
const D = 'journeys/console-sign-in';

/** One walk per night with these statuses of [A, B, C, D] (`-` leaves the gate out). */
function nights(rows: string[], extra: Partial<WalkSpec> = {}) {
  const code: Record<string, GateStatus> = { P: 'passed', F: 'failed', B: 'blocked', E: 'error', S: 'skipped' };
  return rows.map((row, night) =>
    walk({ night, ...extra, gates: [...row].flatMap((c, i) => (c === '-' ? [] : [[[A, B, C, D][i], code[c], undefined, c === 'B' ? A : undefined] as [string, GateStatus, undefined, string | undefined]])) }),
  );
}

function compareLast(rows: string[]) {
  const ws = nights(rows);
  return compareWalk(ws[ws.length - 1], ws.slice(0, -1));
}

test('newly failed, newly passed and unchanged are judged against the last walk of each gate', () => {
  const c = compareLast(['PPFP', 'PFPP']);
  assert.deepEqual(c.newlyFailed.map((g) => [g.id, g.status, g.was]), [[B, 'failed', 'passed']]);
  assert.deepEqual(c.newlyPassed.map((g) => [g.id, g.was]), [[C, 'failed']]);
  assert.equal(c.unchanged, 2, 'A and D passed both times');
  assert.equal(c.last?.runId, nights(['P'])[0].runId, 'the baseline is named');
  assert.equal(c.newlyFailed[0].wasRunId, c.last?.runId);
  assert.equal(nothingChanged(c), false);

  const same = compareLast(['PPFP', 'PPPP']);
  assert.deepEqual(same.newlyFailed, [], 'a gate that passed again is not newly failed');
  assert.deepEqual(compareLast(['PPPP', 'PPPP']).newlyPassed, [], 'a gate that passed twice is not newly passed');
  assert.equal(nothingChanged(compareLast(['PPPP', 'PPPP'])), true);
});

test('blocked and error count as failing; a blocked gate keeps its root cause', () => {
  const c = compareLast(['PPPP', 'FBEP']);
  assert.deepEqual(c.newlyFailed.map((g) => [g.id, g.status, g.rootCause]), [[A, 'failed', undefined], [B, 'blocked', A], [C, 'error', undefined]]);
});

test('still failing counts the streak and names where it began', () => {
  const ws = nights(['FPPP', 'PPPP', 'FPPP', 'EPPP', 'FPPP']);
  const c = compareWalk(ws[4], ws.slice(0, 4));
  assert.deepEqual(c.stillFailing.map((g) => [g.id, g.status, g.walks, g.sinceRunId]), [[A, 'failed', 3, ws[2].runId]]);
  assert.deepEqual(c.newlyFailed, []);
  const fresh = compareLast(['PPPP', 'FPPP']);
  assert.deepEqual(fresh.stillFailing, [], 'failing for the first time is newly failed, not still failing');
});

test('flipping: at least 2 changes within the last 5 walks of the gate, not older ones', () => {
  const flip = compareLast(['PPPP', 'FPPP', 'PPPP']);
  assert.deepEqual(flip.flipping.map((g) => [g.id, g.changes, g.walks.map((w) => w.status)]), [[A, 2, ['passed', 'failed', 'passed']]]);
  assert.equal(flip.flipping[0].walks.at(-1)?.runId, flip.current.runId, 'this walk last');
  assert.deepEqual(compareLast(['PPPP', 'PPPP', 'FPPP']).flipping, [], 'one change is a regression, not a flip');
  assert.deepEqual(compareLast(['FPPP', 'PPPP', 'FPPP', 'PPPP', 'PPPP', 'PPPP', 'PPPP', 'PPPP']).flipping, [], 'flips older than the last 5 walks do not count');
  assert.equal(compareLast(['FPPP', 'PPPP', 'FPPP', 'PPPP', 'PPPP']).flipping.length, 1, 'three changes within the last 5 walks');
});

test('a gate is compared with the walks that judged it: other scopes and skipped runs are not observations', () => {
  const ws = [
    walk({ night: 0, gates: [[A, 'passed'], [C, 'failed']] }),
    walk({ night: 1, suites: ['journeys'], gates: [[D, 'passed']] }),
    walk({ night: 2, gates: [[A, 'skipped'], [C, 'passed']] }),
    walk({ night: 3, gates: [[A, 'failed'], [C, 'passed']] }),
  ];
  const c = compareWalk(ws[3], ws.slice(0, 3));
  assert.deepEqual(c.newlyFailed.map((g) => [g.id, g.wasRunId]), [[A, ws[0].runId]], 'A: the skipped run and the journeys walk are passed over');
  assert.equal(c.last?.runId, ws[2].runId, 'the last walk that judged any of these gates (not the journeys walk)');
  assert.equal(c.unchanged, 1);
});

test('several Sovereigns share a store: only walks of this Sovereign, and only earlier ones, count', () => {
  const t38 = nights(['PPPP', 'PPPP']);
  const t40 = nights(['FFFF', 'PPPP', 'FFFF'], { sovereign: T40 });
  const later = walk({ night: 5, gates: [[A, 'failed']] });
  const c = compareWalk(t38[1], [...t40, t38[0], later]);
  assert.equal(c.sovereign, T38);
  assert.equal(c.earlierWalks, 1);
  assert.ok(nothingChanged(c), JSON.stringify(c));
  const c40 = compareWalk(t40[2], [...t38, ...t40.slice(0, 2)]);
  assert.equal(c40.newlyFailed.length, 4);
  assert.equal(c40.flipping.length, 4);
});

test('the first walk, and a walk whose gates no earlier walk judged, say so', () => {
  const first = compareWalk(nights(['PPPP'])[0], []);
  assert.equal(first.earlierWalks, 0);
  assert.equal(first.last, undefined);
  assert.equal(first.firstJudged, 4);
  const other = compareWalk(walk({ night: 1, gates: [[D, 'passed']] }), [walk({ night: 0, gates: [[A, 'passed']] })]);
  assert.equal(other.last, undefined);
  assert.equal(other.earlierWalks, 1);
});

/** Nights with an RTO, lost writes, hold, time to Ready of A and a walk time. */
function figureNights(values: { rto: number; lost?: number; ready?: number; took?: number }[]) {
  return values.map((v, night) =>
    walk({
      night,
      tookMs: v.took,
      gates: [
        [A, 'passed', { readyAfterMs: v.ready ?? 20_000 }],
        ['failover/D31 RTO ≤ 30s', 'passed', { rtoMs: v.rto }],
        ['failover/D31 zero acknowledged writes lost', v.lost ? 'failed' : 'passed', { lost: v.lost ?? 0, acknowledged: 500 }],
        ['cutover/hold', 'passed', { heldMs: 600_000 }],
      ],
    }),
  );
}

test('figures beyond their recent spread: median and MAD of the last walks, with the baseline named', () => {
  const base = [12_000, 12_500, 11_800, 12_200, 12_100, 13_000, 12_300].map((rto) => ({ rto }));
  const ws = figureNights([...base, { rto: 48_000, ready: 61_000, lost: 2 }]);
  const c = compareWalk(ws[7], ws.slice(0, 7));
  const byKey = Object.fromEntries(c.figures.map((f) => [f.key, f]));
  assert.deepEqual(Object.keys(byKey).sort(), ['ready:readiness/01-bp-cilium', 'rpo', 'rto']);
  const rto = byKey.rto;
  assert.equal(rto.direction, 'up');
  assert.equal(rto.baseline.median, 12_200);
  assert.equal(rto.baseline.samples, 7);
  assert.equal(rto.baseline.fromRunId, ws[0].runId);
  assert.equal(rto.baseline.toRunId, ws[6].runId);
  assert.ok(rto.baseline.mad > 0 && rto.baseline.tolerance >= 1000);
  assert.equal(byKey['ready:readiness/01-bp-cilium'].label, 'time to Ready of readiness/01-bp-cilium');
  assert.equal(byKey.rpo.value, 2, 'any lost write stands out against a history of none');

  const within = figureNights([...base, { rto: 13_100 }]);
  assert.deepEqual(compareWalk(within[7], within.slice(0, 7)).figures, [], 'an RTO within the spread is not flagged');
  const faster = figureNights([...base.map((b) => ({ ...b, took: 40 * 60_000 })), { rto: 12_000, took: 15 * 60_000 }]);
  const walkTime = compareWalk(faster[7], faster.slice(0, 7)).figures;
  assert.deepEqual(walkTime.map((f) => [f.key, f.direction]), [['walk:readiness+failover+cutover', 'down']]);
});

test('figures are not judged below the minimum sample count', () => {
  const few = figureNights([...Array.from({ length: MIN_SAMPLES - 1 }, () => ({ rto: 12_000 })), { rto: 90_000 }]);
  assert.deepEqual(compareWalk(few.at(-1)!, few.slice(0, -1)).figures, []);
  const enough = figureNights([...Array.from({ length: MIN_SAMPLES }, () => ({ rto: 12_000 })), { rto: 90_000 }]);
  assert.deepEqual(compareWalk(enough.at(-1)!, enough.slice(0, -1)).figures.map((f) => f.key), ['rto']);
});

test('walk time is compared within its scope: a short journeys shard is not a fast full walk', () => {
  const full = Array.from({ length: 5 }, (_, night) => walk({ night, tookMs: 60 * 60_000, gates: [[A, 'passed']] }));
  const shard = Array.from({ length: 5 }, (_, night) => walk({ night, minutes: 5, shard: '1/3', suites: ['journeys'], tookMs: 5 * 60_000, gates: [[D, 'passed']] }));
  const now = walk({ night: 5, tookMs: 61 * 60_000, gates: [[A, 'passed']] });
  assert.deepEqual(compareWalk(now, [...full, ...shard]).figures, []);
  assert.equal(shard[0].figures.find((f) => f.key.startsWith('walk:'))?.key, 'walk:journeys-shard-1-of-3');
});
