/**
 * The failover suite end to end as `npm run walk -- --suite failover` runs it: Playwright
 * project, one test per gate, summary.json, the timeline rendered for the report, exit code.
 * Drives runWalk with the sim's target exactly as cli/walk.ts does for `--target sim`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSimFaults, startSim } from '../sim/index.js';
import { dataplaneLeftovers, DATAPLANE_KIT } from './helpers/dataplane-sim.js';
import { parseWalkArgs, type WalkRequest } from '../src/cli/args.js';
import { loadKit } from '../src/kit/load.js';
import type { WalkOptions } from '../src/run/context.js';
import type { Summary } from '../src/gates/types.js';
import { runWalk } from '../src/walk/run-walk.js';

const KIT = DATAPLANE_KIT;

async function walk(args: string[]): Promise<{ code: number; summary: Summary; runDir: string }> {
  const reportDir = mkdtempSync(join(tmpdir(), 'failover-walk-'));
  process.env.SW_STATE_DIR = mkdtempSync(join(tmpdir(), 'failover-state-'));
  const req = parseWalkArgs(['--suite', 'failover', '--kit', KIT, '--report-dir', reportDir, '--json', ...args]) as WalkRequest;
  // The sim's defaults in cli/walk.ts.
  const options: WalkOptions = { ...req.options, slotDeadlineMs: 30_000, settleMs: 2_000, minNodes: 4, holdMs: 60_000, mailTimeoutMs: 30_000 };
  const kit = loadKit(KIT);
  const sim = await startSim({ kit, faults: parseSimFaults(req.simFaults, kit) });
  let code: number;
  try {
    code = await runWalk(sim.target, options, { out: () => {}, err: () => {}, color: false });
  } finally {
    await sim.stop();
  }
  assert.deepEqual(dataplaneLeftovers(), []);
  const simDir = join(reportDir, 'sim');
  const [runId] = readdirSync(simDir);
  const runDir = join(simDir, runId);
  return { code, summary: JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as Summary, runDir };
}

test('walk --suite failover on the healthy sim: exit 0, seven gates passed, the timeline rendered', async () => {
  const { code, summary, runDir } = await walk([]);
  assert.equal(code, 0, JSON.stringify(summary.gates.map((g) => `${g.id}: ${g.status} ${g.reason}`), null, 1));
  assert.equal(summary.verdict, 'pass');
  assert.deepEqual(summary.gates.map((g) => g.id).sort(), [
    'failover/acknowledged-writes-intact',
    'failover/continuum-reported-rpo-matches',
    'failover/continuum-reported-rto-matches',
    'failover/d31-rto',
    'failover/d31-zero-acknowledged-writes-lost',
    'failover/preconditions',
    'failover/region-kill',
  ]);
  const timeline = summary.timelines.find((t) => t.id === 'failover/timeline');
  assert.ok(timeline?.svgPath && existsSync(join(runDir, timeline.svgPath)), 'the report rendered the timeline');
  const rto = summary.gates.find((g) => g.id === 'failover/d31-rto');
  assert.ok(typeof rto?.metrics?.rtoMs === 'number');
});

test('walk --suite failover --sim-fault replication:async-detached: exit 1, the lost keys in the failed D31 gate', async () => {
  const { code, summary } = await walk(['--sim-fault', 'replication:async-detached']);
  assert.equal(code, 1);
  assert.equal(summary.verdict, 'fail');
  const loss = summary.gates.find((g) => g.id === 'failover/d31-zero-acknowledged-writes-lost');
  assert.equal(loss?.status, 'failed');
  assert.match(loss?.reason ?? '', /^\d+ of \d+ acknowledged writes lost \(rpo 0\): k6v\d+-\d+/);
  assert.equal(summary.gates.find((g) => g.id === 'failover/d31-rto')?.status, 'passed');
});
