/** proof.md: the proof for a sign-off or an issue: verdict, problems, faults, and the matrix one gate per row. */
import { durationMs, formatDuration, formatTime } from '../report/format.js';
import type { Proof } from './proof.js';
import { problemLines } from './compare.js';
import { gateStanding, proofVerdictLine } from './verdict.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (ids: string[]) => ids.map((id) => `\`${id}\``).join(', ');
const STANDING = { proven: '✅ proven', missed: '❌ **missed**', collateral: '⚠️ **collateral**', unproven: '❔ **unproven**' } as const;

export function renderProofMarkdown(p: Proof): string {
  const out = [
    `## Proof of ${p.tool.name} ${p.tool.version}${p.commit ? ` at \`${p.commit.slice(0, 12)}\`` : ''}`,
    '',
    `**${proofVerdictLine(p)}**`,
    '',
    `Kit \`${p.kit}\` · suites ${p.suites.join(', ')} · ${formatTime(p.startedAt)} · took ${formatDuration(durationMs(p.startedAt, p.finishedAt))}`,
  ];
  const problems = problemLines(p);
  if (problems.length) out.push('', '### Problems', '', ...problems.map((l) => `- ${cell(l)}`));
  const unproven = p.gates.filter((g) => g.unproven);
  if (unproven.length) out.push('', `### Unproven gates (${unproven.length})`, '', 'No fault of the catalogue turns these red, so nothing shows they can fail:', '', code(unproven.map((g) => g.id)));

  out.push('', '### Walks', '', '| walk | suites | faults | exit | took |', '|---|---|---|---|---|');
  for (const w of p.walks) out.push(`| ${w.runDir ? `[${w.id}](${w.runDir}/index.html)` : w.id} | ${w.suites.join(', ')} | ${cell(code(w.faults)) || 'none'} | ${w.exitCode ?? '—'}${w.error ? ` (${cell(w.error)})` : ''} | ${formatDuration(durationMs(w.startedAt, w.finishedAt))} |`);

  out.push('', '### Faults', '', '| fault | walk | caught / expected red | missed | collateral | held green | what it does |', '|---|---|---|---|---|---|---|');
  for (const f of p.faults) out.push(`| \`${f.id}\` | ${f.walk} | ${f.caught} / ${f.expectedRed} | ${f.missed ? `**${f.missed}**` : 0} | ${f.collateral ? `**${f.collateral}**` : 0} | ${f.held} | ${cell(f.why)} |`);
  for (const n of p.notApplicable) out.push(`| \`${n.id}\` | not walked | — | — | — | — | ${cell(n.why)} |`);

  out.push('', '### Matrix', '', 'Each gate with the faults that turned it red as the catalogue expects (caught), that failed to (missed), or that turned it red unexpectedly (collateral).');
  for (const suite of p.suites) {
    const gates = p.gates.filter((g) => g.suite === suite);
    if (!gates.length) continue;
    out.push('', `#### ${suite} (${gates.length} gates)`, '', '| gate | standing | healthy walk | caught by | missed under | collateral under |', '|---|---|---|---|---|---|');
    for (const g of gates) out.push(`| \`${g.id}\`${g.undeclared ? ' (not declared)' : ''} | ${STANDING[gateStanding(g)]} | ${g.healthy} | ${code(g.caughtBy)} | ${code(g.missedBy)} | ${code(g.collateralOf)} |`);
  }
  return `${out.join('\n')}\n`;
}
