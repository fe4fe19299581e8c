/** What every bench returns: a figure with its target and verdict, and the machine it ran on. */
import { cpus, availableParallelism, release, totalmem } from 'node:os';
import { MB } from './stats.js';

export type Verdict = 'PASS' | 'MISS' | 'NOT MEASURED';

export interface Figure {
  id: string;
  title: string;
  /** What was measured, as printed (`1.2 s vs 14.8 s → 12.3×`). */
  measured: string;
  target: string;
  verdict: Verdict;
  /** Why a figure was not measured, or a one-line note on how it was. */
  note?: string;
  /** Raw numbers for the JSON report. */
  data?: Record<string, unknown>;
}

export interface Machine {
  nproc: number;
  totalMemoryMB: number;
  cpuModel: string;
  kernel: string;
  node: string;
  date: string;
}

export function machine(now = new Date()): Machine {
  return {
    nproc: availableParallelism(),
    totalMemoryMB: Math.round(totalmem() / MB),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    kernel: release(),
    node: process.version,
    date: now.toISOString(),
  };
}

/** A bench that could not produce its figure says why instead of a number. */
export class NotMeasured extends Error {
  override name = 'NotMeasured';
}

export function notMeasured(id: string, title: string, target: string, reason: string): Figure {
  return { id, title, measured: '—', target, verdict: 'NOT MEASURED', note: `not measured: ${reason}` };
}
