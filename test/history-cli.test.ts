/** `npm run history` (the compiled CLI, as users run it) on a synthetic store of two Sovereigns. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import type { HistoryComparison } from '../src/history/compare.js';
import type { SignoffVerdict } from '../src/history/signoff.js';
import { T38, T40, walkSummary, writeSummaryJson, type WalkSpec } from './history-fixture.js';

const HISTORY_CLI = join(ROOT, 'dist/cli/history.js');
const A = 'readiness/18-bp-seaweedfs';
const B = 'journeys/voucher-mail';

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [HISTORY_CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env, SW_HISTORY_DIR: env.SW_HISTORY_DIR ?? '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** t38: five nights, B flips (P F P F P), A fails on night 3 only; t40: two green nights. */
function store(t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'sw-history-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const reports = join(dir, 'reports');
  const t38: WalkSpec[] = [0, 1, 2, 3, 4].map((night) => ({ night, gates: [[A, night === 3 ? 'failed' : 'passed', { readyAfterMs: 30_000 }], [B, night % 2 ? 'failed' : 'passed'], ['failover/D31 RTO ≤ 30s', 'passed', { rtoMs: 6000 }]] }));
  const runs = t38.map((w) => walkSummary(w).runId);
  for (const w of t38) writeSummaryJson(reports, walkSummary(w));
  for (const night of [0, 1]) writeSummaryJson(reports, walkSummary({ sovereign: T40, night, gates: [[A, 'passed']] }));
  writeFileSync(join(reports, 'summary.json'), '{"schemaVersion": 1');
  return { dir, reports, history: join(dir, 'history'), runs };
}

test('--add fills the store from summary.json files (bad ones reported), again harmlessly; without --sov an overview', (t) => {
  const s = store(t);
  const add = cli(['--history-dir', s.history, '--add', s.reports]);
  assert.equal(add.code, 0, add.err);
  assert.match(add.err, /history: skipped .*reports\/summary\.json: /);
  assert.match(add.err, /history: 7 walks added to /);
  assert.match(add.out, /walks of 2 Sovereigns; choose one with --sov\n {2}t38\.omani\.works {2}5 walks, newest \S+ \(pass\)\n {2}t40\.omani\.works {2}2 walks/);
  assert.equal(cli(['--history-dir', s.history, '--add', s.reports]).code, 0);
  assert.equal(readdirSync(join(s.history, T38)).length, 5, 'adding twice keeps one entry per walk');
  const env = cli(['--sov', 't40', '--json'], { SW_HISTORY_DIR: s.history });
  assert.equal(env.code, 0, env.err);
  assert.equal((JSON.parse(env.out) as HistoryComparison).sovereign, T40, 'SW_HISTORY_DIR names the store');
  const unknown = cli(['--history-dir', s.history, '--sov', 't99']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.err, 'history: no walk of t99 in the history (it holds t38.omani.works, t40.omani.works)\n');
  assert.equal(cli(['--history-dir', s.history, '--signoff']).code, 2, 'a sign-off needs --sov when the store holds several');
});

test('compare the newest walk, any two runs, or a window of runs', (t) => {
  const s = store(t);
  cli(['--history-dir', s.history, '--add', s.reports]);
  const newest = cli(['--history-dir', s.history, '--sov', 't38']);
  assert.equal(newest.code, 0, newest.err);
  assert.match(newest.out, new RegExp(`^Since the last walk of t38\\.omani\\.works \\(run ${s.runs[3]}, readiness\\+journeys\\+failover\\): 2 newly passed · 2 flipping · 1 unchanged\\.\\n`));
  assert.match(newest.out, /newly passed \(2\): readiness\/18-bp-seaweedfs \(was failed\), journeys\/voucher-mail \(was failed\)/);
  assert.match(newest.out, /flipping \(2\): readiness\/18-bp-seaweedfs ✓✓✓✗✓ \(2 changes in its last 5 walks\), journeys\/voucher-mail ✓✗✓✗✓ \(4 changes in its last 5 walks\)/);

  const pair = JSON.parse(cli(['--history-dir', s.history, '--sov', 't38.omani.works', '--run', s.runs[3], '--against', s.runs[1], '--json']).out) as HistoryComparison;
  assert.equal(pair.last?.runId, s.runs[1]);
  assert.deepEqual(pair.newlyFailed.map((g) => g.id), [A]);
  assert.deepEqual(pair.stillFailing.map((g) => [g.id, g.walks]), [[B, 2]]);
  assert.deepEqual(pair.flipping, [], 'two walks cannot flip');

  const window = JSON.parse(cli(['--history-dir', s.history, '--sov', 't38', '--last', '2', '--json']).out) as HistoryComparison;
  assert.equal(window.earlierWalks, 1);
  assert.deepEqual(window.flipping, []);
  assert.equal(cli(['--history-dir', s.history, '--sov', 't38', '--run', 'nope']).code, 2);
  assert.equal(cli(['--history-dir', s.history, '--sov', 't38', '--against', s.runs[1], '--last', '2']).code, 2);
});

test('--html writes the offline history page: comparison, per-gate timeline and figures as inline SVG', (t) => {
  const s = store(t);
  cli(['--history-dir', s.history, '--add', s.reports]);
  const page = join(s.dir, 'out', 'history.html');
  const r = cli(['--history-dir', s.history, '--sov', 't38', '--html', page]);
  assert.equal(r.code, 0, r.err);
  const html = readFileSync(page, 'utf8');
  assert.match(html, /<section class="card" id="history">/);
  const timeline = html.slice(html.indexOf('id="timeline"'), html.indexOf('id="figures"'));
  assert.match(timeline, /<svg[\s\S]*>journeys\/voucher-mail<[\s\S]*>readiness\/18-bp-seaweedfs</);
  assert.equal((timeline.match(/; status: failed"/g) ?? []).length, 3, 'three failed cells: B twice, A once');
  assert.equal((timeline.match(/; status: passed"/g) ?? []).length, 12);
  assert.match(html.slice(html.indexOf('id="figures"')), /<svg[\s\S]*RTO \(s\)/);
  assert.doesNotMatch(html, /(src|href)="https?:/, 'nothing loads from the network');
  assert.equal((html.match(/<tr><td class="mono">/g) ?? []).length, 5, 'one row per walk');
});

test('--signoff: exit 0 naming the two walks, 1 when a gate flipped within the window, 2 on a bad window', (t) => {
  const s = store(t);
  cli(['--history-dir', s.history, '--add', s.reports]);
  const t40 = cli(['--history-dir', s.history, '--sov', 't40', '--signoff']);
  assert.equal(t40.code, 0, t40.out + t40.err);
  assert.match(t40.out, /^\*\*SIGNED OFF\*\* on the walk history: two consecutive GREEN walks of t40\.omani\.works, runs `\S+` and `\S+`/);
  const t38 = cli(['--history-dir', s.history, '--sov', 't38', '--signoff']);
  assert.equal(t38.code, 1);
  assert.match(t38.out, /^\*\*NOT SIGNED OFF\*\*[\s\S]*`journeys\/voucher-mail` changed state/);
  const json = JSON.parse(cli(['--history-dir', s.history, '--sov', 't38', '--signoff', '--json']).out) as SignoffVerdict;
  assert.deepEqual(json.walks.map((w) => w.runId), [s.runs[3], s.runs[4]]);
  assert.equal(cli(['--history-dir', s.history, '--sov', 't38', '--signoff', '--window', '1']).code, 2);
});
