/**
 * report: builds the Allure site of a walk into <runDir>/allure-report.
 *   npm run report [-- <runDir>] [--reports <root>] [--history-dir <dir>]
 * Without <runDir>, the newest run under the reports root (default `reports`). With a walk
 * history store (--history-dir or SW_HISTORY_DIR), Allure's own history of the Sovereign and
 * scope is read from and added to it, so the site's trend widgets span the stored walks.
 * Exit 0 when the site was built, 2 on a usage or build error (one line on stderr).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { buildAllureSite } from '../src/report/allure-site.js';
import { newestRunDir } from '../src/report/run-dirs.js';
import { entryFromSummary } from '../src/history/entry.js';
import { allureHistoryPath, HISTORY_DIR_ENV } from '../src/history/store.js';
import type { Summary } from '../src/gates/types.js';

async function main(argv: string[]): Promise<number> {
  const program = new Command('report')
    .description('Build the Allure site of a walk run (Allure 3, no Java)')
    .argument('[runDir]', 'run folder (default: the newest run under --reports)')
    .option('--reports <root>', 'reports root searched for the newest run', 'reports')
    .option('--name <title>', 'report title (default: tool, Sovereign and run id)')
    .option('--history-dir <dir>', `walk history store keeping Allure's history for the trend widgets (default $${HISTORY_DIR_ENV}; none without either)`)
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 0;
    throw new Error((err as Error).message.replace(/^error: /, ''));
  }
  const opts = program.opts<{ reports: string; name?: string; historyDir?: string }>();
  const [given] = program.args;
  const runDir = given ? resolve(given) : newestRunDir(resolve(opts.reports));
  if (!runDir) throw new Error(`no run found under ${resolve(opts.reports)}: pass a run folder`);
  const historyDir = opts.historyDir ?? process.env[HISTORY_DIR_ENV];
  let historyPath: string | undefined;
  if (historyDir) {
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as Summary;
    historyPath = allureHistoryPath(resolve(historyDir), summary.sovereign, entryFromSummary(summary).scope);
  }
  const { index } = await buildAllureSite(runDir, { name: opts.name, historyPath });
  process.stdout.write(`Allure report: ${index}\n  (one self-contained file; or serve the folder: npx allure open ${resolve(runDir, 'allure-report')})\n`);
  return 0;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`report: ${message.split('\n')[0]}\n`);
    process.exitCode = 2;
  },
);
