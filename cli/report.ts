/**
 * report: builds the Allure site of a walk into <runDir>/allure-report.
 *   npm run report [-- <runDir>] [--reports <root>]
 * Without <runDir>, the newest run under the reports root (default `reports`).
 * Exit 0 when the site was built, 2 on a usage or build error (one line on stderr).
 */
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { buildAllureSite } from '../src/report/allure-site.js';
import { newestRunDir } from '../src/report/run-dirs.js';

async function main(argv: string[]): Promise<number> {
  const program = new Command('report')
    .description('Build the Allure site of a walk run (Allure 3, no Java)')
    .argument('[runDir]', 'run folder (default: the newest run under --reports)')
    .option('--reports <root>', 'reports root searched for the newest run', 'reports')
    .option('--name <title>', 'report title (default: tool, Sovereign and run id)')
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 0;
    throw new Error((err as Error).message.replace(/^error: /, ''));
  }
  const opts = program.opts<{ reports: string; name?: string }>();
  const [given] = program.args;
  const runDir = given ? resolve(given) : newestRunDir(resolve(opts.reports));
  if (!runDir) throw new Error(`no run found under ${resolve(opts.reports)}: pass a run folder`);
  const { index } = await buildAllureSite(runDir, { name: opts.name });
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
