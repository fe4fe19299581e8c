/**
 * check-history: the failover verdict from a write history and the survivor's final state.
 *   npm run check-history -- --history <ndjson> --final <json> [--rto 30s] [--rpo 0]
 * Prints the verdict JSON; exit 0 pass, 1 fail, 2 usage or parse error (one line on stderr).
 */
import { Command, CommanderError } from 'commander';
import ms from 'ms';
import { checkHistory } from '../src/failover/checker.js';
import { readFinalFile, readHistoryFile } from '../src/failover/history.js';

function parseDuration(value: string, flag: string): number {
  const parsed: number | undefined = /^\d+(\.\d+)?$/.test(value) ? Number(value) : ms(value as ms.StringValue);
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) {
    throw new Error(`${flag} must be a duration such as 30s, 1m, 500ms or milliseconds, got "${value}"`);
  }
  return parsed;
}

function parseCount(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${flag} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('check-history')
    .description('Judge a failover write history against what the surviving database holds')
    .requiredOption('--history <file>', 'write history (NDJSON)')
    .requiredOption('--final <file>', 'final state of the survivor (JSON {"rows":[{"key","id"}]})')
    .option('--rto <duration>', 'maximum kill → first acknowledged write', '30s')
    .option('--rpo <count>', 'maximum lost acknowledged writes', '0')
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 0;
    throw new Error((err as Error).message.replace(/^error: /, ''));
  }
  const opts = program.opts<{ history: string; final: string; rto: string; rpo: string }>();
  const thresholds = { rtoMs: parseDuration(opts.rto, '--rto'), rpo: parseCount(opts.rpo, '--rpo') };
  const [history, final] = await Promise.all([readHistoryFile(opts.history), readFinalFile(opts.final)]);
  const verdict = checkHistory(history, final, thresholds);
  process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
  return verdict.verdict === 'pass' ? 0 : 1;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`check-history: ${message.split('\n')[0]}\n`);
    process.exitCode = 2;
  },
);
