/**
 * The key figures a walk is compared on: time to Ready per readiness slot, RTO, RPO (acknowledged
 * writes lost), the deny-egress hold and the walk time of this scope. Keys are stable across
 * walks (`ready:<gate id>`, `rto`, `rpo`, `hold`, `walk:<scope>`): the RTO gate's id carries its
 * threshold, so figures are found by metric, not by gate id.
 */
import type { Summary } from '../gates/types.js';
import { durationMs, formatDuration } from '../report/format.js';

export interface Figure {
  key: string;
  value: number;
}

export type FigureUnit = 'ms' | 'writes';

function metricOf(summary: Summary, suite: string, metric: string): number | undefined {
  for (const g of summary.gates) {
    const v = g.suite === suite ? g.metrics?.[metric] : undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

export function figuresOf(summary: Summary, scope: string): Figure[] {
  const out: Figure[] = [];
  for (const g of summary.gates) {
    const ready = g.suite === 'readiness' ? g.metrics?.readyAfterMs : undefined;
    if (typeof ready === 'number' && Number.isFinite(ready)) out.push({ key: `ready:${g.id}`, value: ready });
  }
  const named: [string, number | undefined][] = [
    ['rto', metricOf(summary, 'failover', 'rtoMs')],
    ['rpo', metricOf(summary, 'failover', 'lost')],
    ['hold', metricOf(summary, 'cutover', 'heldMs')],
  ];
  for (const [key, value] of named) if (value !== undefined) out.push({ key, value });
  out.push({ key: `walk:${scope}`, value: durationMs(summary.startedAt, summary.finishedAt) });
  return out;
}

export function describeFigure(key: string): { label: string; unit: FigureUnit } {
  if (key.startsWith('ready:')) return { label: `time to Ready of ${key.slice(6)}`, unit: 'ms' };
  if (key.startsWith('walk:')) return { label: `walk time (${key.slice(5)})`, unit: 'ms' };
  if (key === 'rto') return { label: 'RTO', unit: 'ms' };
  if (key === 'rpo') return { label: 'RPO (acknowledged writes lost)', unit: 'writes' };
  if (key === 'hold') return { label: 'deny-egress hold', unit: 'ms' };
  return { label: key, unit: 'ms' };
}

export function formatFigure(value: number, unit: FigureUnit): string {
  if (unit === 'writes') return `${Number(value.toFixed(1))} write${value === 1 ? '' : 's'}`;
  return formatDuration(Math.abs(value));
}
