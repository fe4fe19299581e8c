/**
 * `npm run prove`: walks the embedded Sovereign once healthy and then once per group of faults
 * of the fault catalogue, and shows which gates each fault turned red as expected (caught),
 * which it did not (missed), what else turned red (collateral), and which gates no fault turns
 * red (unproven). Like the walk, it is the only place that knows the simulated Sovereign exists.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { SetupError } from '../src/target/errors.js';
import { SUITES } from '../src/cli/args.js';
import { parseDuration } from '../src/cli/duration.js';
import { loadKit } from '../src/kit/load.js';
import { unlistedDependencies } from '../src/kit/graph.js';
import { prepareRunFolder } from '../src/walk/run-folder.js';
import { redact } from '../src/evidence/redact.js';
import { REPO_ROOT } from '../src/repo-root.js';
import { CATALOGUE_PATH, loadCatalogue } from '../src/prove/catalogue.js';
import { declaredGates } from '../src/prove/gate-universe.js';
import { selectWalks } from '../src/prove/select.js';
import { walkArgs } from '../src/prove/plan.js';
import { runProve } from '../src/prove/run-prove.js';
import { spawnWalk } from '../src/prove/walker.js';

function program(): Command {
  return new Command('prove')
    .description('Prove that each gate of the walk can fail: walk the embedded Sovereign healthy, then under every fault of fixtures/fault-catalogue.json, and compare what the gates judged with what the catalogue expects.')
    .option('--suite <list>', `comma-separated suites whose gates are proven: ${SUITES.join(',')}`, SUITES.join(','))
    .option('--fault <id|kind>', 'only these catalogue entries: an entry id (hr-stuck:bp-cilium) or a fault kind (hr-stuck) (repeatable, or comma-separated)', (v: string, prev: string[]) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)], [] as string[])
    .option('--kit <file>', 'bootstrap kit JSON every walk installs (entries naming slots it lacks are not walked)', 'fixtures/bootstrap-kit-48.json')
    .option('--report-dir <dir>', 'where the proof is written (<dir>/prove/<timestamp>/, its walks under walks/)', 'reports')
    .option('--slot-deadline <duration>', 'per-slot readiness deadline of every walk (the walk\'s default: 3m)')
    .option('--json', 'print proof.json on stdout (progress goes to stderr)', false)
    .addOption(new Option('--dry-run', 'print the walks the proof would run and exit').default(false))
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .showHelpAfterError(false);
}

/** The commit the proof was made at, for the sign-off (absent outside a git checkout). */
function commit(): string | undefined {
  if (process.env.GITHUB_SHA) return process.env.GITHUB_SHA;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function main(argv: string[]): Promise<number> {
  const cmd = program().exitOverride().configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: () => {} });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError && (e.code === 'commander.helpDisplayed' || e.code === 'commander.help')) return 0;
    if (e instanceof CommanderError) throw new SetupError(`${e.message.replace(/^error:\s*/, '').split('\n')[0]} (see --help)`);
    throw e;
  }
  const o = cmd.opts<{ suite: string; fault: string[]; kit: string; reportDir: string; slotDeadline?: string; json: boolean; dryRun: boolean }>();
  const suites: string[] = o.suite.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = suites.filter((s) => !(SUITES as readonly string[]).includes(s));
  if (!suites.length || unknown.length) throw new SetupError(`unknown suite ${unknown.join(', ') || '(none given)'}; choose from ${SUITES.join(', ')}`);
  const ordered = SUITES.filter((s) => suites.includes(s));
  if (o.slotDeadline !== undefined) parseDuration('--slot-deadline', o.slotDeadline);
  const common = ['--kit', resolve(o.kit), ...(o.slotDeadline !== undefined ? ['--slot-deadline', o.slotDeadline] : [])];

  const kit = loadKit(o.kit);
  const unlisted = unlistedDependencies(kit.slots);
  if (unlisted.length) throw new SetupError(`--kit ${o.kit}: dependsOn names slots the kit does not list: ${unlisted.join(', ')}`);
  const { parseSimFaults, SIM_REGIONS, SIM_SOVEREIGN } = await import('../sim/index.js');
  const target = { sovereign: SIM_SOVEREIGN, regions: SIM_REGIONS.map((r) => ({ ...r, kubeconfigPath: '' })), tls: { issuerMustMatch: '.', issuerMustNotMatch: '' } };
  const declared = declaredGates(kit, target, ordered);
  const { walks, notApplicable } = selectWalks({ catalogue: loadCatalogue(CATALOGUE_PATH), kit, declared, suites: ordered, only: o.fault, checkFaults: parseSimFaults });
  if (o.dryRun) {
    for (const w of walks) process.stdout.write(`${w.id.padEnd(8)} walk ${[...common, ...walkArgs(w)].join(' ')}\n`);
    for (const n of notApplicable) process.stdout.write(`not walked: ${n.id}: ${n.why}\n`);
    return 0;
  }
  const run = prepareRunFolder(o.reportDir, 'prove');
  const tool = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !o.json;
  return runProve(
    { walks, declared, notApplicable, commonArgs: common, proofDir: run.runDir, tool: { name: tool.name, version: tool.version }, commit: commit(), kit: o.kit, suites: ordered, json: o.json },
    spawnWalk,
    { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), color },
  );
}

function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitAfterFlush, (e: unknown) => {
  const msg = e instanceof SetupError ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`;
  process.stderr.write(`prove: ${redact(msg.split('\n')[0])}\n`);
  if (process.env.SW_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  exitAfterFlush(2);
});
