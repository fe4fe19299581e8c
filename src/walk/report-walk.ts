/**
 * The walk's report stage: summary.json and every report of the run, the run compared with the
 * walk history of its Sovereign, then the run added to that history. The history only adds a
 * section: unreadable entries are reported in it, and a failed append is one line on stderr.
 */
import type { Summary } from '../gates/types.js';
import type { WalkOptions } from '../run/context.js';
import { buildSummary, renderTerminalSummary, writeReports, type SummaryInput } from '../report/write-reports.js';
import { redact } from '../evidence/redact.js';
import { entryFromSummary } from '../history/entry.js';
import { appendEntry, historyDirOf, readStore } from '../history/store.js';
import { compareWalk } from '../history/compare.js';
import type { WalkIo } from './run-walk.js';

export async function reportWalk(input: SummaryInput, options: Pick<WalkOptions, 'json' | 'reportDir' | 'historyDir'>, io: Pick<WalkIo, 'out' | 'err' | 'color'>): Promise<Summary> {
  const summary = buildSummary(input);
  const dir = historyDirOf(options.historyDir, options.reportDir);
  const entry = entryFromSummary(summary);
  const store = readStore(dir, summary.sovereign);
  summary.history = compareWalk(entry, store.entries, store.problems);
  await writeReports(input.runDir, summary);
  try {
    appendEntry(dir, entry);
  } catch (e) {
    io.err(redact(`history: this walk was not added to ${dir}: ${(e as Error).message.split('\n')[0]}\n`));
  }
  if (options.json) io.out(`${JSON.stringify(summary, null, 2)}\n`);
  else io.out(`${renderTerminalSummary(summary, { color: io.color, runDir: input.runDir })}\n`);
  return summary;
}
