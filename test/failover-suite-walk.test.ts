/**
 * The failover suite end to end as `npm run walk -- --suite failover` runs it: judged and
 * reported in the walk's process, summary.json, the timeline rendered for the report, exit code.
 * Drives runWalk with the embedded Sovereign's target as cli/walk.ts does for `--target sim`; one
 * world serves the file, each walk with the data plane its `--sim-fault`s ask for. The walk that
 * powers the primary region off comes last. The world's regions share loopback here (the other
 * failover tests make them hosts where they can): that mode's region kill and its caveat are walked.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunningSim } from '../sim/index.js';
import { dataplaneLeftovers, DATAPLANE_KIT as KIT, installDataplaneFor, startWorldOnly } from './helpers/dataplane-sim.js';
import { parseWalkArgs, type WalkRequest } from '../src/cli/args.js';
import { findK6 } from '../src/failover/k6.js';
import type { WalkOptions } from '../src/run/context.js';
import type { Summary } from '../src/gates/types.js';
import { runWalk } from '../src/walk/run-walk.js';
import { tempDir } from './helpers/temp.js';

let sim: RunningSim;

before(async () => {
  sim = await startWorldOnly('loopback');
});

after(async () => {
  await sim?.stop();
  assert.deepEqual(dataplaneLeftovers(), []);
});

async function walk(args: string[], opts: { regionKilled: boolean }): Promise<{ code: number; summary: Summary; runDir: string }> {
  const reportDir = tempDir('failover-walk-');
  process.env.SW_STATE_DIR = tempDir('failover-state-');
  const req = parseWalkArgs(['--suite', 'failover', '--kit', KIT, '--report-dir', reportDir, '--json', ...args]) as WalkRequest;
  // The sim's defaults in cli/walk.ts.
  const options: WalkOptions = { ...req.options, slotDeadlineMs: 30_000, settleMs: 2_000, minNodes: 4, holdMs: 60_000, mailTimeoutMs: 30_000 };
  const dp = await installDataplaneFor(sim, req.simFaults);
  let code: number;
  try {
    code = await runWalk(dp.target, options, { out: () => {}, err: () => {}, color: false });
  } finally {
    await (opts.regionKilled ? dp.stop() : dp.remove());
  }
  assert.deepEqual(dataplaneLeftovers(), []);
  const simDir = join(reportDir, 'sim');
  const [runId] = readdirSync(simDir);
  const runDir = join(simDir, runId);
  return { code, summary: JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as Summary, runDir };
}

test('walk --suite failover --sim-fault replication:async-detached --kill-mode cnpg-fence: exit 1, the lost keys in the failed D31 gate, the fence lifted', async () => {
  const { code, summary } = await walk(['--sim-fault', 'replication:async-detached', '--kill-mode', 'cnpg-fence'], { regionKilled: false });
  assert.equal(code, 1);
  assert.equal(summary.verdict, 'fail');
  const kill = summary.gates.find((g) => g.id === 'failover/region-kill');
  assert.equal(kill?.status, 'passed');
  assert.match(kill?.reason ?? '', /via cnpg-fence — WEAKEST mode: only the database was stopped .*heal: fence lifted/);
  const loss = summary.gates.find((g) => g.id === 'failover/d31-zero-acknowledged-writes-lost');
  assert.equal(loss?.status, 'failed');
  const writer = (await findK6()) ? 'k6v\\d+' : 'w1';
  assert.match(loss?.reason ?? '', new RegExp(`^\\d+ of \\d+ acknowledged writes lost \\(rpo 0\\): sw[0-9a-f]{6}\\.${writer}-\\d+`));
  assert.equal(summary.gates.find((g) => g.id === 'failover/d31-rto')?.status, 'passed');
});

// Last: the primary region stays dead until the world stops.
test('walk --suite failover on the healthy sim, the primary region powered off: exit 0, seven gates passed and the rejoin skipped (no heal on loopback), the timeline rendered', async () => {
  const { code, summary, runDir } = await walk([], { regionKilled: true });
  assert.equal(code, 0, JSON.stringify(summary.gates.map((g) => `${g.id}: ${g.status} ${g.reason}`), null, 1));
  assert.equal(summary.verdict, 'pass');
  assert.deepEqual(summary.gates.map((g) => g.id).sort(), [
    'failover/acknowledged-writes-intact',
    'failover/continuum-reported-rpo-matches',
    'failover/continuum-reported-rto-matches',
    'failover/d31-rto',
    'failover/d31-zero-acknowledged-writes-lost',
    'failover/healed-region-rejoins-as-replica',
    'failover/preconditions',
    'failover/region-kill',
  ]);
  const rejoin = summary.gates.find((g) => g.id === 'failover/healed-region-rejoins-as-replica');
  assert.equal(rejoin?.status, 'skipped', 'on loopback the killed region is never powered on');
  assert.match(rejoin?.reason ?? '', /^the process-signal kill has no heal/);
  assert.match(summary.gates.find((g) => g.id === 'failover/region-kill')?.reason ?? '', /via process-signal .*SIGKILL → (group \d+, ){7,}group \d+; heal: none/);
  assert.match(summary.caveats?.join('\n') ?? '', /regions share loopback \(SW_SIM_NETWORK=loopback\): .*a killed region refuses connections at once instead of leaving them unanswered/);
  const timeline = summary.timelines.find((t) => t.id === 'failover/timeline');
  assert.ok(timeline?.svgPath && existsSync(join(runDir, timeline.svgPath)), 'the report rendered the timeline');
  const rto = summary.gates.find((g) => g.id === 'failover/d31-rto');
  assert.ok(typeof rto?.metrics?.rtoMs === 'number');
});
