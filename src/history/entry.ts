/**
 * One walk as the history store keeps it: the status of every gate and the key figures, never
 * reasons or evidence, so an entry stays a few kilobytes and carries nothing but ids and numbers.
 * Gates and figures are lists, not maps: redaction masks values under secret-looking keys, and a
 * gate id such as `journeys/operator-pin` must not lose its status to that.
 */
import type { GateStatus, Summary } from '../gates/types.js';
import { figuresOf, type Figure } from './figures.js';

export const ENTRY_FORMAT = 'sovereign-walk/history-entry';
export const ENTRY_VERSION = 1;

/**
 * What a walk covered: its suites. `shard` is only in entries of walks from before 2026-12-07, when
 * CI split the browser journeys into Playwright shards (`--shard 2/3`); such entries keep their
 * own scope, so an old shard's walk time is never compared with a whole walk's.
 */
export interface WalkScope {
  suites: string[];
  shard?: string;
}

export interface EntryGate {
  id: string;
  status: GateStatus;
  /** For a blocked gate: the failed gate at the root of its chain. */
  rootCause?: string;
}

export interface HistoryEntry {
  format: typeof ENTRY_FORMAT;
  version: typeof ENTRY_VERSION;
  /** The Sovereign's FQDN: the key several Sovereigns share one store by. */
  sovereign: string;
  target: string;
  targetKind: string;
  runId: string;
  startedAt: string;
  finishedAt: string;
  verdict: Summary['verdict'];
  scope: WalkScope;
  gates: EntryGate[];
  figures: Figure[];
}

/** A walk named the way every history view names it. */
export interface WalkRef {
  runId: string;
  startedAt: string;
  verdict: Summary['verdict'];
  scope: string;
}

/** `readiness+dod`, `journeys-shard-2-of-3`. */
export function scopeName(scope: WalkScope): string {
  const shard = scope.shard ? `-shard-${scope.shard.replace('/', '-of-')}` : '';
  return `${scope.suites.join('+') || 'no-suite'}${shard}`;
}

export function walkRef(e: HistoryEntry): WalkRef {
  return { runId: e.runId, startedAt: e.startedAt, verdict: e.verdict, scope: scopeName(e.scope) };
}

export function entryFromSummary(summary: Summary): HistoryEntry {
  // Only a summary.json of a sharded walk from before --shard was removed names one.
  const shard = summary.options.shard;
  const scope: WalkScope = { suites: summary.suites.map((s) => s.name), ...(typeof shard === 'string' && shard ? { shard } : {}) };
  return {
    format: ENTRY_FORMAT,
    version: ENTRY_VERSION,
    sovereign: summary.sovereign,
    target: summary.target,
    targetKind: summary.targetKind,
    runId: summary.runId,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    verdict: summary.verdict,
    scope,
    gates: summary.gates.map((g) => ({ id: g.id, status: g.status, ...(g.status === 'blocked' && g.rootCause ? { rootCause: g.rootCause } : {}) })),
    figures: figuresOf(summary, scopeName(scope)),
  };
}

/** Newest first; ties (parallel CI jobs) by run id so the order never depends on the file system. */
export function newestFirst(a: HistoryEntry, b: HistoryEntry): number {
  return Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.runId.localeCompare(a.runId);
}
