/**
 * The proof on a terminal: the walks, each fault's tally, then the matrix one gate per line (the
 * faults that turned it red as expected, missed it or hit it collaterally), the problems, and the
 * verdict last.
 */
import { redact } from '../evidence/redact.js';
import { durationMs, formatDuration } from '../report/format.js';
import type { Proof, ProofGate } from './proof.js';
import { problemLines } from './compare.js';
import { gateStanding, proofVerdictLine } from './verdict.js';

const ANSI = { proven: '32', missed: '31', collateral: '35', unproven: '33', dim: '2', bold: '1' } as const;
const ICON = { proven: '✓', missed: '✗', collateral: '!', unproven: '?' } as const;

const few = (ids: string[], n = 3) => (ids.length > n ? `${ids.slice(0, n).join(', ')} +${ids.length - n}` : ids.join(', '));

function gateLine(g: ProofGate, paint: (s: keyof typeof ANSI, t: string) => string, width: number): string {
  const s = gateStanding(g);
  const parts = [
    ...(g.missedBy.length ? [paint('missed', `MISSED under ${few(g.missedBy)}`)] : []),
    ...(g.collateralOf.length ? [paint('collateral', `COLLATERAL under ${few(g.collateralOf)}`)] : []),
    ...(g.caughtBy.length ? [`caught by ${few(g.caughtBy)}`] : []),
    ...(g.unproven ? [paint('unproven', 'UNPROVEN: no fault turns it red')] : []),
  ];
  return `  ${paint(s, ICON[s])} ${g.id.padEnd(width)}  ${parts.join(' · ')}`;
}

export function renderProofTerminal(p: Proof, o: { color: boolean; proofDir?: string }): string {
  const paint = (s: keyof typeof ANSI, t: string) => (o.color ? `\u001b[${ANSI[s]}m${t}\u001b[0m` : t);
  const lines = [paint('bold', `${p.tool.name} ${p.tool.version} proof${p.commit ? ` at ${p.commit.slice(0, 12)}` : ''} · kit ${p.kit} · suites ${p.suites.join(',')}`), '', paint('bold', 'Walks')];
  for (const w of p.walks) {
    const took = formatDuration(durationMs(w.startedAt, w.finishedAt));
    lines.push(`  ${w.id.padEnd(8)} exit ${String(w.exitCode ?? '-').padEnd(3)} ${took.padStart(7)}  ${w.suites.join(',')}${w.faults.length ? `  ${paint('dim', w.faults.join(' '))}` : ''}${w.error ? paint('missed', `  — ${w.error}`) : ''}`);
  }
  lines.push('', paint('bold', 'Faults (caught / expected red)'));
  const fw = Math.max(10, ...p.faults.map((f) => f.id.length));
  for (const f of p.faults) {
    const ok = !f.missed && !f.collateral;
    const extra = [f.missed ? paint('missed', `${f.missed} missed`) : '', f.collateral ? paint('collateral', `${f.collateral} collateral`) : '', f.held ? `${f.held} held green` : ''].filter(Boolean).join(', ');
    lines.push(`  ${ok ? paint('proven', '✓') : paint('missed', '✗')} ${f.id.padEnd(fw)}  ${f.walk.padEnd(8)} ${`${f.caught}/${f.expectedRed}`.padStart(7)}${extra ? `  ${extra}` : ''}`);
  }
  for (const n of p.notApplicable) lines.push(`  ${paint('dim', `– ${n.id.padEnd(fw)}  not walked: ${n.why}`)}`);
  const gw = Math.max(...p.gates.map((g) => g.id.length), 10);
  for (const suite of p.suites) {
    const gates = p.gates.filter((g) => g.suite === suite);
    if (!gates.length) continue;
    lines.push('', paint('bold', `Gates of ${suite} (${gates.length}; ${gates.filter((g) => g.unproven).length} unproven)`));
    for (const g of gates) lines.push(gateLine(g, paint, gw));
  }
  const problems = problemLines(p);
  if (problems.length) lines.push('', ...problems.map((l) => paint(l.startsWith('COLLATERAL') ? 'collateral' : 'missed', l)));
  if (o.proofDir) lines.push('', paint('dim', `proof: ${o.proofDir}/index.html · proof.md · proof.json`));
  lines.push(paint('bold', proofVerdictLine(p)));
  return redact(lines.join('\n'));
}
