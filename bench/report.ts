/** The bench's outputs: `reports/bench/<timestamp>.json` and the table printed at the end. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure, Machine } from './figures.js';

export interface BenchReport {
  schemaVersion: 1;
  machine: Machine;
  mode: 'full' | 'quick';
  durationMs: number;
  figures: Figure[];
}

/** `2026-11-22T06-33-25Z`: sortable and safe in a file name. */
export function timestampName(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

export function writeReport(dir: string, report: BenchReport): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${timestampName(new Date(report.machine.date))}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** A plain fixed-width table: figure, measured, target, verdict; notes below it. */
export function renderTable(report: BenchReport): string {
  const rows = [['Figure', 'Measured', 'Target', 'Verdict'], ...report.figures.map((f) => [f.title, f.measured, f.target, f.verdict])];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  const m = report.machine;
  const out = [
    `sovereign-walk bench (${report.mode}) — ${m.date}, ${m.nproc} CPUs (${m.cpuModel}), ${m.totalMemoryMB} MB RAM, Node ${m.node}`,
    '',
    line(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ];
  const notes = report.figures.filter((f) => f.note);
  if (notes.length) out.push('', ...notes.map((f) => `${f.id}: ${f.note}`));
  return out.join('\n');
}
