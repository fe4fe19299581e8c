/**
 * history: what changed between stored walks of a Sovereign, a per-gate timeline, release sign-off.
 *   npm run history -- [--sov <tNN|fqdn|target>] [--run <id>] [--against <id> | --last <n>] [--html <file>] [--json]
 *   npm run history -- --add <summary.json|folder>...      add walks from the summaries they wrote
 *   npm run history -- --sov t38 --signoff [--window 5]   two consecutive green walks, no flip
 * Reads the store only (--history-dir, else SW_HISTORY_DIR, else reports/history); no network.
 * Exit 0; with --signoff 1 when refused; 2 on a usage error (one line on stderr).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { parseCount } from '../src/cli/duration.js';
import { compareWalk } from '../src/history/compare.js';
import { newestFirst, type HistoryEntry } from '../src/history/entry.js';
import { addSummaries } from '../src/history/add-summaries.js';
import { renderHistoryPage } from '../src/history/page.js';
import { historyTerminalLines } from '../src/history/render-text.js';
import { judgeSignoff, signoffMarkdown, SIGNOFF_WINDOW } from '../src/history/signoff.js';
import { historyDirOf, readStore } from '../src/history/store.js';
import { slug } from '../src/report/format.js';

interface Opts {
  sov?: string;
  historyDir?: string;
  add: string[];
  run?: string;
  against?: string;
  last?: string;
  html?: string;
  json: boolean;
  signoff: boolean;
  window: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function pickSovereign(entries: HistoryEntry[], sov: string): string {
  const name = sov.trim().toLowerCase();
  const all = [...new Set(entries.map((e) => e.sovereign))];
  const hits = all.filter((s) => s === name || s.startsWith(`${name}.`) || entries.some((e) => e.sovereign === s && e.target === name));
  if (hits.length === 1) return hits[0];
  if (!hits.length) throw new Error(`no walk of ${sov} in the history${all.length ? ` (it holds ${all.join(', ')})` : ''}`);
  throw new Error(`--sov ${sov} matches ${hits.join(', ')}: give the FQDN`);
}

function overview(entries: HistoryEntry[], dir: string): string {
  const lines = [`${dir}: walks of ${new Set(entries.map((e) => e.sovereign)).size} Sovereigns; choose one with --sov`];
  for (const s of [...new Set(entries.map((e) => e.sovereign))].sort()) {
    const own = entries.filter((e) => e.sovereign === s);
    lines.push(`  ${s}  ${own.length} walks, newest ${own[0].runId} (${own[0].verdict})`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('history')
    .description('Compare stored walks of a Sovereign, draw the per-gate timeline, judge a release sign-off')
    .option('--sov <name>', 'Sovereign: tNN, FQDN or target name (needed when the store holds several)')
    .option('--history-dir <dir>', 'the walk history store (default $SW_HISTORY_DIR, else reports/history)')
    .option('--add <path>', 'add walks first: a summary.json, or a folder searched for them (repeatable)', collect, [])
    .option('--run <runId>', 'the walk to look at (default the newest)')
    .option('--against <runId>', 'compare with this one earlier walk only')
    .option('--last <n>', 'use only the last n walks, the one looked at included')
    .option('--html <file>', 'write the history page: comparison, per-gate timeline, figures (offline)')
    .option('--json', 'print the comparison or the sign-off verdict as JSON', false)
    .option('--signoff', 'release sign-off: the two newest walks green, no gate flipped within --window walks', false)
    .option('--window <n>', 'walks per gate the sign-off looks at for flips', String(SIGNOFF_WINDOW))
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 0;
    throw new Error((err as Error).message.replace(/^error: /, ''));
  }
  const o = program.opts<Opts>();
  if (o.against && o.last) throw new Error('--against and --last choose the earlier walks two ways: give one');
  const dir = historyDirOf(o.historyDir, 'reports');
  if (o.add.length) {
    const { added, skipped } = addSummaries(dir, o.add.map((p) => resolve(p)));
    for (const s of skipped) process.stderr.write(`history: skipped ${s.file}: ${s.problem}\n`);
    process.stderr.write(`history: ${added.length} walk${added.length === 1 ? '' : 's'} added to ${dir}\n`);
  }
  const store = readStore(dir);
  for (const p of store.problems) process.stderr.write(`history: skipped ${p.file}: ${p.problem}\n`);
  const sovereigns = new Set(store.entries.map((e) => e.sovereign));
  if (!o.sov && sovereigns.size !== 1) {
    if (!sovereigns.size) throw new Error(`no walk in ${dir}`);
    if (o.signoff || o.html || o.run || o.against || o.last) throw new Error(`the history holds several Sovereigns (${[...sovereigns].join(', ')}): choose one with --sov`);
    process.stdout.write(overview(store.entries, dir));
    return 0;
  }
  const sovereign = o.sov ? pickSovereign(store.entries, o.sov) : [...sovereigns][0];
  const entries = store.entries.filter((e) => e.sovereign === sovereign).sort(newestFirst);
  const problems = store.problems.filter((p) => p.file.startsWith(`${slug(sovereign)}/`));

  if (o.signoff) {
    const window = parseCount('--window', o.window);
    if (window < 2) throw new Error('--window must be at least 2 walks: a flip needs two');
    const verdict = judgeSignoff(sovereign, entries, window);
    process.stdout.write(o.json ? `${JSON.stringify(verdict, null, 2)}\n` : signoffMarkdown(verdict));
    return verdict.signedOff ? 0 : 1;
  }
  const current = o.run ? entries.find((e) => e.runId === o.run) : entries[0];
  if (!current) throw new Error(`no walk ${o.run} of ${sovereign}; the newest is ${entries[0].runId}`);
  let earlier = entries.filter((e) => newestFirst(current, e) < 0);
  if (o.against) {
    const base = earlier.find((e) => e.runId === o.against);
    if (!base) throw new Error(`no walk ${o.against} of ${sovereign} before ${current.runId}`);
    earlier = [base];
  }
  if (o.last) {
    const last = parseCount('--last', o.last);
    if (last < 1) throw new Error('--last must be at least 1');
    earlier = earlier.slice(0, last - 1);
  }
  const comparison = compareWalk(current, earlier, problems);
  if (o.html) {
    const file = resolve(o.html);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, await renderHistoryPage(sovereign, [...earlier].reverse().concat(current), comparison));
    process.stderr.write(`history: page written to ${file}\n`);
  }
  const plain = (s: string) => s;
  process.stdout.write(o.json ? `${JSON.stringify(comparison, null, 2)}\n` : `${historyTerminalLines(comparison, { strong: plain, good: plain, bad: plain }).join('\n')}\n`);
  return 0;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`history: ${message.split('\n')[0]}\n`);
    process.exitCode = 2;
  },
);
