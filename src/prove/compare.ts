/**
 * What the walks judged against what the catalogue expected: one cell per fault and gate that is
 * not simply green where it should be. Pure: the walks' summaries in, the proof out.
 */
import type { Gate, GateStatus, Summary } from '../gates/types.js';
import type { DeclaredGate } from './gate-universe.js';
import type { PlannedWalk } from './plan.js';
import type { ResolvedExpectation } from './resolve.js';
import { PROOF_VERSION, type Proof, type ProofCell, type ProofFault, type ProofGate, type ProofWalk } from './proof.js';

export interface WalkOutcome {
  walk: PlannedWalk;
  summary?: Summary;
  exitCode: number | null;
  runDir?: string;
  startedAt: string;
  finishedAt: string;
  error?: string;
}

export interface CompareInput {
  declared: readonly DeclaredGate[];
  outcomes: readonly WalkOutcome[];
  notApplicable: { id: string; why: string }[];
  tool: { name: string; version: string };
  commit?: string;
  kit: string;
  suites: string[];
  startedAt: string;
  finishedAt: string;
  stopped?: { signal: string };
}

const describeExpected = (x: ResolvedExpectation) => `${x.statuses.join('|')}${x.rootCause ? ` by ${x.rootCause}` : ''}${x.reason ? ` /${x.reason.source}/` : ''}`;
const describeObserved = (g: Gate | undefined, walkError?: string) => (g ? `${g.status}${g.rootCause ? ` by ${g.rootCause}` : ''}` : walkError ? `not judged: ${walkError}` : 'absent');

function matches(x: ResolvedExpectation, g: Gate | undefined): boolean {
  return !!g && x.statuses.includes(g.status) && (x.rootCause === undefined || g.rootCause === x.rootCause) && (x.reason === undefined || x.reason.test(g.reason));
}

/** Passed, or skipped as it was in the healthy walk. */
function green(g: Gate | undefined, healthy: GateStatus | 'absent' | undefined): boolean {
  return !!g && (g.status === 'passed' || (g.status === 'skipped' && healthy === 'skipped'));
}

/** The matrix's rows: the declared gates, then any gate a walk produced that no suite declared. */
function rows(declared: readonly DeclaredGate[], outcomes: readonly WalkOutcome[]): ProofGate[] {
  const healthy = outcomes.find((o) => o.walk.id === 'healthy')?.summary;
  const titles = new Map<string, string>();
  for (const o of outcomes) for (const g of o.summary?.gates ?? []) if (!titles.has(g.id)) titles.set(g.id, g.title);
  const row = (id: string, suite: string, undeclared: boolean): ProofGate => ({
    id, suite, title: titles.get(id) ?? id, healthy: healthy?.gates.find((g) => g.id === id)?.status ?? 'absent',
    ...(undeclared ? { undeclared } : {}), caughtBy: [], missedBy: [], collateralOf: [], unproven: true,
  });
  const out = declared.map((d) => row(d.id, d.suite, false));
  const known = new Set(out.map((g) => g.id));
  for (const o of outcomes) {
    for (const g of o.summary?.gates ?? []) {
      if (known.has(g.id)) continue;
      known.add(g.id);
      out.push(row(g.id, g.suite, true));
    }
  }
  return out;
}

export function compareWalks(input: CompareInput): Proof {
  const gates = rows(input.declared, input.outcomes);
  const byId = new Map(gates.map((g) => [g.id, g]));
  const cells: ProofCell[] = [];
  const faults: ProofFault[] = [];
  const walks: ProofWalk[] = [];

  for (const o of input.outcomes) {
    const { walk } = o;
    walks.push({
      id: walk.id, suites: walk.suites, faults: walk.entries.flatMap((e) => e.entry.faults), entries: walk.entries.map((e) => e.entry.id),
      exitCode: o.exitCode, ...(o.runDir ? { runDir: o.runDir } : {}), startedAt: o.startedAt, finishedAt: o.finishedAt, ...(o.error ? { error: o.error } : {}),
    });
    const judged = new Map((o.summary?.gates ?? []).map((g) => [g.id, g]));
    const walked = gates.filter((g) => walk.suites.includes(g.suite));
    const cell = (fault: string, gate: string, mark: ProofCell['mark'], expected: string) => {
      const g = judged.get(gate);
      cells.push({ fault, gate, mark, expected, observed: describeObserved(g, o.summary ? undefined : o.error ?? 'the walk gave no summary'), ...(g && (g.status !== 'passed' || mark === 'missed') ? { reason: g.reason } : {}) });
      const row = byId.get(gate)!;
      if (mark === 'caught') row.caughtBy.push(fault);
      if (mark === 'missed') row.missedBy.push(fault);
      if (mark === 'collateral' && !row.collateralOf.includes(fault)) row.collateralOf.push(fault);
    };

    if (walk.id === 'healthy') {
      for (const g of walked) if (!green(judged.get(g.id), judged.get(g.id)?.status)) cell('healthy', g.id, 'collateral', 'green');
      continue;
    }
    const owned = new Set(walk.entries.flatMap((e) => [...e.red.keys(), ...e.green, ...e.ignore]));
    const before = cells.length;
    for (const e of walk.entries) {
      for (const [gate, x] of e.red) cell(e.entry.id, gate, matches(x, judged.get(gate)) ? 'caught' : 'missed', describeExpected(x));
      for (const gate of e.green) cell(e.entry.id, gate, green(judged.get(gate), byId.get(gate)?.healthy) ? 'held' : 'collateral', 'green');
      for (const gate of e.ignore) cell(e.entry.id, gate, 'ignored', 'any (broken along the way)');
    }
    // A red no fault of this walk expected cannot be told apart: it is collateral of each of them.
    for (const g of walked) {
      if (owned.has(g.id) || green(judged.get(g.id), g.healthy)) continue;
      for (const e of walk.entries) cell(e.entry.id, g.id, 'collateral', 'green');
    }
    const mine = cells.slice(before);
    for (const e of walk.entries) {
      const of = (mark: ProofCell['mark']) => mine.filter((c) => c.fault === e.entry.id && c.mark === mark).length;
      faults.push({ id: e.entry.id, why: e.entry.why, faults: e.entry.faults, walk: walk.id, suites: e.suites, expectedRed: e.red.size, caught: of('caught'), missed: of('missed'), collateral: of('collateral'), held: of('held') });
    }
  }
  for (const g of gates) g.unproven = g.caughtBy.length === 0;
  const clean = !cells.some((c) => c.mark === 'missed' || c.mark === 'collateral');
  return {
    proofVersion: PROOF_VERSION, tool: input.tool, ...(input.commit ? { commit: input.commit } : {}), kit: input.kit, suites: input.suites,
    startedAt: input.startedAt, finishedAt: input.finishedAt, verdict: clean && !input.stopped ? 'pass' : 'fail', ...(input.stopped ? { stopped: input.stopped } : {}),
    walks, faults, gates, cells, notApplicable: input.notApplicable,
  };
}

/** One line per missed cell and per collateral red of a walk (a walk's collateral is shared by its faults). */
export function problemLines(p: Proof): string[] {
  const lines: string[] = [];
  for (const w of p.walks.filter((x) => x.error)) lines.push(`walk ${w.id}${w.faults.length ? ` (${w.faults.join(', ')})` : ''} gave no summary: ${w.error}`);
  const failedWalks = new Set(p.walks.filter((w) => w.error).map((w) => w.id));
  const walkOf = new Map(p.faults.map((f) => [f.id, f.walk]));
  for (const c of p.cells.filter((x) => x.mark === 'missed')) {
    if (failedWalks.has(walkOf.get(c.fault) ?? '')) continue;
    lines.push(`MISSED ${c.gate} under ${c.fault}: expected ${c.expected}, judged ${c.observed}${c.reason ? ` — ${c.reason}` : ''}`);
  }
  const seen = new Set<string>();
  for (const c of p.cells.filter((x) => x.mark === 'collateral')) {
    const walk = c.fault === 'healthy' ? 'healthy' : walkOf.get(c.fault) ?? c.fault;
    if (failedWalks.has(walk) || seen.has(`${walk} ${c.gate}`)) continue;
    seen.add(`${walk} ${c.gate}`);
    const with_ = p.walks.find((w) => w.id === walk)?.entries ?? [];
    const under = walk === 'healthy' ? 'the healthy walk' : with_.length > 1 ? `${walk} (${with_.join(', ')})` : c.fault;
    lines.push(`COLLATERAL ${c.gate} under ${under}: expected green, judged ${c.observed}${c.reason ? ` — ${c.reason}` : ''}`);
  }
  if (p.stopped) lines.push(`stopped by ${p.stopped.signal}: the proof covers the walks that ran`);
  return lines;
}
