/**
 * A walk compared with the earlier walks of its Sovereign, the way on-call reads them. A gate is
 * compared with its own earlier observations (the walks that judged it), so walks of other
 * suites (or, in older history, other CI shards) neither hide nor fake a change; `skipped` is not an observation.
 * Passing is `passed`; failing is `failed`, `blocked` or `error` (what the verdict counts).
 */
import type { GateStatus } from '../gates/types.js';
import { walkRef, newestFirst, type HistoryEntry, type WalkRef } from './entry.js';
import { describeFigure, type FigureUnit } from './figures.js';
import { beyond, spreadOf, type Spread } from './spread.js';
import type { StoreProblem } from './store.js';

/** Flipping: changed between passing and failing at least FLIP_MIN times within its last FLIP_WINDOW walks. */
const FLIP_WINDOW = 5;
const FLIP_MIN = 2;

export interface GateChange {
  id: string;
  status: GateStatus;
  was: GateStatus;
  /** The walk it is compared to: the last one that judged this gate. */
  wasRunId: string;
  rootCause?: string;
}

export interface StillFailing {
  id: string;
  status: GateStatus;
  /** Consecutive failing walks of this gate, this one included. */
  walks: number;
  /** The first walk of that streak. */
  sinceRunId: string;
  rootCause?: string;
}

export interface Flipping {
  id: string;
  changes: number;
  /** Oldest first, this walk last. */
  walks: { runId: string; status: GateStatus }[];
}

export interface FigureShift {
  key: string;
  label: string;
  unit: FigureUnit;
  value: number;
  direction: 'up' | 'down';
  baseline: Spread & { fromRunId: string; toRunId: string };
}

export interface HistoryComparison {
  sovereign: string;
  current: WalkRef;
  /** Earlier walks of this Sovereign in the history (every scope). */
  earlierWalks: number;
  /** The newest earlier walk that judged any gate this one judged. */
  last?: WalkRef;
  newlyFailed: GateChange[];
  newlyPassed: GateChange[];
  stillFailing: StillFailing[];
  flipping: Flipping[];
  figures: FigureShift[];
  /** Gates in the same state as in their last walk. */
  unchanged: number;
  /** Gates no earlier walk judged. */
  firstJudged: number;
  /** History files that could not be read (reported here, skipped in the comparison). */
  skippedEntries: StoreProblem[];
}

export const passing = (s: GateStatus) => s === 'passed';

/** Each judged gate's observations in `walks` (newest first), newest first. */
export function gateObservations(walks: HistoryEntry[]): Map<string, { runId: string; status: GateStatus }[]> {
  const byGate = new Map<string, { runId: string; status: GateStatus }[]>();
  for (const w of walks) {
    for (const g of w.gates) {
      if (g.status === 'skipped') continue;
      const list = byGate.get(g.id) ?? [];
      list.push({ runId: w.runId, status: g.status });
      byGate.set(g.id, list);
    }
  }
  return byGate;
}

function figureShifts(current: HistoryEntry, earlier: HistoryEntry[]): FigureShift[] {
  const shifts: FigureShift[] = [];
  for (const f of current.figures) {
    const past = earlier.flatMap((w) => w.figures.filter((x) => x.key === f.key).map((x) => ({ runId: w.runId, value: x.value })));
    const { label, unit } = describeFigure(f.key);
    const spread = spreadOf(past.map((p) => p.value), unit);
    if (!spread || !beyond(f.value, spread)) continue;
    const used = past.slice(0, spread.samples);
    shifts.push({ key: f.key, label, unit, value: f.value, direction: f.value > spread.median ? 'up' : 'down', baseline: { ...spread, fromRunId: used[used.length - 1].runId, toRunId: used[0].runId } });
  }
  return shifts;
}

/** `current` against every entry of `history` that is of the same Sovereign and started before it. */
export function compareWalk(current: HistoryEntry, history: HistoryEntry[], skippedEntries: StoreProblem[] = []): HistoryComparison {
  const earlier = history
    .filter((w) => w.sovereign === current.sovereign && w.runId !== current.runId && Date.parse(w.startedAt) < Date.parse(current.startedAt))
    .sort(newestFirst);
  const seen = gateObservations(earlier);
  const out: HistoryComparison = {
    sovereign: current.sovereign,
    current: walkRef(current),
    earlierWalks: earlier.length,
    newlyFailed: [],
    newlyPassed: [],
    stillFailing: [],
    flipping: [],
    figures: figureShifts(current, earlier),
    unchanged: 0,
    firstJudged: 0,
    skippedEntries,
  };
  const judged = current.gates.filter((g) => g.status !== 'skipped');
  const ids = new Set(judged.map((g) => g.id));
  const last = earlier.find((w) => w.gates.some((g) => g.status !== 'skipped' && ids.has(g.id)));
  if (last) out.last = walkRef(last);
  for (const g of judged) {
    const past = seen.get(g.id) ?? [];
    const rootCause = g.rootCause ? { rootCause: g.rootCause } : {};
    const prev = past[0];
    if (!prev) out.firstJudged++;
    else if (passing(g.status) && passing(prev.status)) out.unchanged++;
    else if (passing(g.status)) out.newlyPassed.push({ id: g.id, status: g.status, was: prev.status, wasRunId: prev.runId });
    else if (passing(prev.status)) out.newlyFailed.push({ id: g.id, status: g.status, was: prev.status, wasRunId: prev.runId, ...rootCause });
    else {
      const streak = past.findIndex((p) => passing(p.status));
      const failing = streak === -1 ? past : past.slice(0, streak);
      out.stillFailing.push({ id: g.id, status: g.status, walks: failing.length + 1, sinceRunId: failing[failing.length - 1].runId, ...rootCause });
    }
    const recent = [{ runId: current.runId, status: g.status }, ...past].slice(0, FLIP_WINDOW).reverse();
    const changes = recent.filter((o, i) => i > 0 && passing(o.status) !== passing(recent[i - 1].status)).length;
    if (changes >= FLIP_MIN) out.flipping.push({ id: g.id, changes, walks: recent });
  }
  return out;
}

/** Nothing to tell beyond one line. */
export function nothingChanged(c: HistoryComparison): boolean {
  return !c.newlyFailed.length && !c.newlyPassed.length && !c.stillFailing.length && !c.flipping.length && !c.figures.length;
}
