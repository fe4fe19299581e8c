/**
 * `npm run bench [-- --quick] [--only readiness,writes,memory,walk-memory,scaling]`: the performance figures,
 * each measured side by side in one run, written to reports/bench/<timestamp>.json and printed
 * as a table with every target and PASS/MISS. Exits 0 once the figures are out (a MISS is a
 * finding, not a crash), 2 on bad flags, 130/143 when interrupted.
 */
import { Command, CommanderError } from 'commander';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCount, parseDuration } from '../src/cli/duration.js';
import { SetupError } from '../src/target/errors.js';
import { machine, NotMeasured, notMeasured, type Figure } from './figures.js';
import { Lifecycle } from './lifecycle.js';
import { benchMemory, MEMORY_TARGET, FULL_HOLD_MS, PEAK_LIMIT_MB, QUICK_HOLD_MS } from './memory.js';
import { benchWholeWalkMemory } from './memory-walk.js';
import { benchReadiness, READINESS_TARGET } from './readiness.js';
import { renderTable, writeReport, type BenchReport } from './report.js';
import { benchScaling } from './scaling.js';
import { QUICK_SCALING_SIZES, SCALING_SIZES, TIME_PER_SLOT_FACTOR } from './scaling-kit.js';
import { benchWrites, WRITES_TARGET } from './writes.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCHES = ['readiness', 'writes', 'memory', 'walk-memory', 'scaling'] as const;
type BenchName = (typeof BENCHES)[number];

interface BenchArgs {
  quick: boolean;
  only: BenchName[];
  reps: number;
  holdMs: number;
  writeMs: number;
  kit: string;
  out: string;
  cpuProfile?: string;
}

function parseArgs(argv: string[]): BenchArgs | 'help' {
  const cmd = new Command('npm run bench --')
    .description('Measure the harness: readiness sweep vs kubectl, write resolution, memory through a cutover hold and over a whole walk, scaling to 2,400 slots.')
    .option('--quick', 'smoke run: a 60 s cutover hold instead of 10 minutes, scaling at 48 and 480 slots only (also BENCH_QUICK=1)', false)
    .option('--only <list>', `comma-separated subset of ${BENCHES.join(',')}`, BENCHES.join(','))
    .option('--reps <n>', 'measured readiness runs per side (alternating)', '5')
    .option('--hold <duration>', 'cutover hold for the memory figures (default 10m, 60s with --quick)')
    .option('--write-duration <duration>', 'length of each write-rate run', '5s')
    .option('--kit <file>', 'kit for the readiness figure (and the base the scaling kits replicate)', join(REPO_ROOT, 'fixtures/bootstrap-kit-48.json'))
    .option('--out <dir>', 'where the JSON report is written', join(REPO_ROOT, 'reports/bench'))
    .option('--cpu-profile <file>', 'write a V8 CPU profile of one extra harness readiness sweep (Chrome DevTools)')
    .exitOverride()
    // Errors are printed once, by main's catch.
    .configureOutput({ writeErr: () => {} });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError && (e.code === 'commander.helpDisplayed' || e.code === 'commander.version')) return 'help';
    throw new SetupError(e instanceof Error ? e.message.replace(/^error: /, '') : String(e));
  }
  const o = cmd.opts<{ quick: boolean; only: string; reps: string; hold?: string; writeDuration: string; kit: string; out: string; cpuProfile?: string }>();
  const quick = o.quick || process.env.BENCH_QUICK === '1';
  const only = o.only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only.filter((s) => !(BENCHES as readonly string[]).includes(s));
  if (!only.length || unknown.length) throw new SetupError(`--only: unknown bench ${unknown.join(', ') || '(none given)'}; choose from ${BENCHES.join(', ')}`);
  const reps = parseCount('--reps', o.reps);
  if (reps < 1) throw new SetupError('--reps must be at least 1');
  return {
    quick,
    only: only as BenchName[],
    reps,
    holdMs: o.hold !== undefined ? parseDuration('--hold', o.hold) : quick ? QUICK_HOLD_MS : FULL_HOLD_MS,
    writeMs: parseDuration('--write-duration', o.writeDuration),
    kit: o.kit,
    out: o.out,
    cpuProfile: o.cpuProfile,
  };
}

const TITLES: Record<BenchName, [id: string, title: string, target: string]> = {
  readiness: ['readiness-sweep', 'Readiness verdict: harness vs sequential kubectl', `harness ≥ ${READINESS_TARGET}× faster`],
  writes: ['write-resolution', 'Node writer rate and spacing', WRITES_TARGET],
  memory: ['memory-cutover-hold', 'Harness RSS through a cutover hold', MEMORY_TARGET],
  'walk-memory': ['memory-whole-walk', 'Harness RSS peak over a whole npm run walk', `< ${PEAK_LIMIT_MB} MB throughout`],
  scaling: ['scaling-time-per-slot', 'Readiness sweep time per slot at 48 / 480 / 2,400 slots', `time per slot at the largest size ≤ ${TIME_PER_SLOT_FACTOR}× at 48; memory at most linear; walk overhead at 480 ≤ 6 s`],
};

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args === 'help') return 0;
  const lifecycle = new Lifecycle();
  const uninstall = lifecycle.install();
  const started = Date.now();
  const at = machine();
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const signal = lifecycle.signal;
  const figures: Figure[] = [];
  try {
    for (const name of args.only) {
      if (signal.aborted) break;
      log(`${name}: starting`);
      try {
        switch (name) {
          case 'readiness':
            figures.push(...(await benchReadiness({ kitPath: args.kit, reps: args.reps, cpuProfile: args.cpuProfile, signal, log })));
            break;
          case 'writes':
            figures.push(...(await benchWrites({ durationMs: args.writeMs, signal, log })));
            break;
          case 'memory':
            figures.push(...(await benchMemory({ holdMs: args.holdMs, repoRoot: REPO_ROOT, signal, log })));
            break;
          case 'walk-memory':
            figures.push(...(await benchWholeWalkMemory({ holdMs: args.holdMs, repoRoot: REPO_ROOT, signal, log })));
            break;
          case 'scaling':
            figures.push(...(await benchScaling({ sizes: args.quick ? QUICK_SCALING_SIZES : SCALING_SIZES, baseKitPath: args.kit, signal, log })));
            break;
        }
      } catch (e) {
        if (signal.aborted) break;
        const [id, title, target] = TITLES[name];
        const reason = e instanceof NotMeasured ? e.message : `${(e as Error).name}: ${(e as Error).message.split('\n')[0]}`;
        log(`${name}: not measured: ${reason}`);
        figures.push(notMeasured(id, title, target, reason));
      }
    }
  } finally {
    uninstall();
  }
  const report: BenchReport = { schemaVersion: 1, machine: at, mode: args.quick ? 'quick' : 'full', durationMs: Date.now() - started, figures };
  const file = writeReport(args.out, report);
  process.stdout.write(`${renderTable(report)}\n\nwritten to ${file}${lifecycle.stoppedBy ? ` (partial: stopped by ${lifecycle.stoppedBy})` : ''}\n`);
  if (lifecycle.stoppedBy) return lifecycle.stoppedBy === 'SIGINT' ? 130 : 143;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof SetupError ? '' : 'error: '}${(e as Error).message}\n`);
    process.exit(e instanceof SetupError ? 2 : 1);
  },
);
