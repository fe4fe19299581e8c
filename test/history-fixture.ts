/**
 * Synthetic walks for the history tests: summaries shaped exactly as the walk writes summary.json
 * (src/gates/types.ts Summary), built from a line per gate, and history stores made of them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_VERSION, type Gate, type GateStatus, type Summary } from '../src/gates/types.js';
import { countGates, verdictOf } from '../src/report/verdict.js';
import { entryFromSummary, type HistoryEntry } from '../src/history/entry.js';

export const T38 = 't38.omani.works';
export const T40 = 't40.omani.works';
export const SIM = 'sim.sovereign-walk.test';
const DAY = 86_400_000;
export const NIGHT0 = Date.parse('2026-11-01T02:23:00.000Z');

export interface WalkSpec {
  sovereign?: string;
  /** Night number: the walk starts NIGHT0 + night days (+ minutes). */
  night: number;
  minutes?: number;
  /** `[gate id, status, metrics?, rootCause?]`. */
  gates: [string, GateStatus, Record<string, number | null>?, string?][];
  suites?: string[];
  shard?: string;
  /** Walk time (default 20 minutes). */
  tookMs?: number;
}

export function walkSummary(w: WalkSpec): Summary {
  const sovereign = w.sovereign ?? T38;
  const start = NIGHT0 + w.night * DAY + (w.minutes ?? 0) * 60_000;
  const at = (ms: number) => new Date(ms).toISOString();
  const runId = at(start).replace(/[:.]/g, '-');
  const end = start + (w.tookMs ?? 20 * 60_000);
  const gates: Gate[] = w.gates.map(([id, status, metrics, rootCause]) => ({
    id,
    suite: id.split('/')[0],
    title: id,
    status,
    ...(rootCause ? { rootCause } : {}),
    reason: `${status} in the fixture`,
    startedAt: at(start),
    finishedAt: at(start + 1000),
    labels: {},
    evidence: [],
    ...(metrics ? { metrics } : {}),
  }));
  const suites = w.suites ?? [...new Set(gates.map((g) => g.suite))];
  const counts = countGates(gates);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'sovereign-walk', version: '0.1.0' },
    runId,
    target: sovereign.split('.')[0],
    targetKind: sovereign === SIM ? 'sim' : 'live',
    sovereign,
    startedAt: at(start),
    finishedAt: at(end),
    verdict: verdictOf(counts),
    counts,
    suites: suites.map((name) => ({ name, startedAt: at(start), finishedAt: at(end) })),
    gates,
    timelines: [],
    janitor: [],
    options: { suites, ...(w.shard ? { shard: w.shard } : {}) },
  };
}

export const walk = (w: WalkSpec): HistoryEntry => entryFromSummary(walkSummary(w));

/** Writes a summary.json where a walk would (`<reports>/<target>/<runId>/summary.json`) and returns its path. */
export function writeSummaryJson(reports: string, s: Summary): string {
  const dir = join(reports, s.target, s.runId);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'summary.json');
  writeFileSync(file, `${JSON.stringify(s, null, 2)}\n`);
  return file;
}
