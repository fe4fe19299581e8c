/**
 * The "since the last walk" section as text: a few lines for the terminal, a paragraph and a
 * list for summary.md. One line when nothing changed.
 */
import type { GateStatus } from '../gates/types.js';
import { nothingChanged, type FigureShift, type HistoryComparison } from './compare.js';
import { formatFigure } from './figures.js';

interface TextFormat {
  code: (s: string) => string;
  strong: (s: string) => string;
  good: (s: string) => string;
  bad: (s: string) => string;
  icon: (status: GateStatus) => string;
  /** Items shown per list before `… and N more`. */
  max: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function describeShift(f: FigureShift): string {
  const v = (x: number) => formatFigure(x, f.unit);
  const b = f.baseline;
  return `${f.label} ${v(f.value)}, ${f.direction} from its median ${v(b.median)} (MAD ${v(b.mad)} over the last ${plural(b.samples, 'walk')}, tolerance ±${v(b.tolerance)})`;
}

/** Listed gates, with blocked gates folded into `+N blocked by <root>` behind the others. */
function gateItems<T extends { id: string; status: GateStatus; rootCause?: string }>(items: T[], describe: (x: T) => string, f: TextFormat, blockedWord: string): string[] {
  const shown = items.filter((x) => !(x.status === 'blocked' && x.rootCause)).map(describe);
  const byRoot = new Map<string, number>();
  for (const x of items) if (x.status === 'blocked' && x.rootCause) byRoot.set(x.rootCause, (byRoot.get(x.rootCause) ?? 0) + 1);
  return [...shown, ...[...byRoot].map(([root, n]) => `+${n} ${blockedWord} by ${f.code(root)}`)];
}

function capped(items: string[], max: number): string[] {
  return items.length > max ? [...items.slice(0, max), `… and ${items.length - max} more`] : items;
}

function headline(c: HistoryComparison, f: TextFormat): string {
  const title = f.strong(`Since the last walk of ${c.sovereign}`);
  if (!c.earlierWalks) return `${title}: none in the history; this walk is its first.`;
  if (!c.last) return `${title}: none of its ${plural(c.earlierWalks, 'earlier walk')} judged these gates.`;
  const base = `${title} (run ${f.code(c.last.runId)}, ${c.last.scope})`;
  const first = c.firstJudged ? `, ${c.firstJudged} judged for the first time` : '';
  if (nothingChanged(c)) return `${base}: nothing changed; ${plural(c.unchanged, 'gate')} as before${first}, no figure beyond its recent spread.`;
  const counts = [
    [c.newlyFailed.length, 'newly failed'],
    [c.newlyPassed.length, 'newly passed'],
    [c.stillFailing.length, 'still failing'],
    [c.flipping.length, 'flipping'],
    [c.figures.length, c.figures.length === 1 ? 'figure beyond its spread' : 'figures beyond their spread'],
  ] as const;
  return `${base}: ${counts.filter(([n]) => n).map(([n, what]) => `${n} ${what}`).join(' · ')} · ${c.unchanged} unchanged${first}.`;
}

/** [label, how many, items] per class; blocked gates count though they are folded. */
function sections(c: HistoryComparison, f: TextFormat): [string, number, string[]][] {
  const was = (x: { was: GateStatus; wasRunId: string }) => `was ${x.was}${x.wasRunId === c.last?.runId ? '' : ` in run ${f.code(x.wasRunId)}`}`;
  return [
    [f.bad('newly failed'), c.newlyFailed.length, gateItems(c.newlyFailed, (x) => `${f.code(x.id)} ${x.status} (${was(x)})`, f, 'blocked')],
    [f.good('newly passed'), c.newlyPassed.length, gateItems(c.newlyPassed, (x) => `${f.code(x.id)} (${was(x)})`, f, 'blocked')],
    [f.bad('still failing'), c.stillFailing.length, gateItems(c.stillFailing, (x) => `${f.code(x.id)} ${x.status} for ${plural(x.walks, 'walk')}, since run ${f.code(x.sinceRunId)}`, f, 'still blocked')],
    ['flipping', c.flipping.length, c.flipping.map((x) => `${f.code(x.id)} ${x.walks.map((w) => f.icon(w.status)).join('')} (${x.changes} changes in its last ${x.walks.length} walks)`)],
    ['beyond recent spread', c.figures.length, c.figures.map(describeShift)],
    ['skipped history entries', c.skippedEntries.length, c.skippedEntries.map((p) => `${f.code(p.file)}: ${p.problem}`)],
  ];
}

export function historyTerminalLines(c: HistoryComparison, paint: { strong: (s: string) => string; good: (s: string) => string; bad: (s: string) => string }): string[] {
  const f: TextFormat = { code: (s) => s, ...paint, icon: (s) => (s === 'passed' ? '✓' : '✗'), max: 8 };
  const lines = [headline(c, f)];
  for (const [label, n, items] of sections(c, f)) if (n) lines.push(`  ${label} (${n}): ${capped(items, f.max).join(', ')}`);
  return lines;
}

export function historyMarkdownLines(c: HistoryComparison): string[] {
  const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
  const f: TextFormat = { code, strong: (s) => `**${s}**`, good: (s) => s, bad: (s) => s, icon: (s) => (s === 'passed' ? '✅' : '❌'), max: 50 };
  const lines = [headline(c, f)];
  const list = sections(c, f).filter(([, n]) => n);
  if (list.length) lines.push('', ...list.map(([label, n, items]) => `- **${label} (${n}):** ${capped(items, f.max).join(' · ')}`));
  return lines;
}
