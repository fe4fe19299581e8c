/**
 * The history in the walk's own report stage (reportWalk, what run-walk calls once the suites are
 * done), fed with synthetic walks of the embedded Sovereign: a clean walk, a walk with bp-seaweedfs
 * stuck (it fails and blocks five slots), then a new clean walk. No sim is started.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GateStatus, Summary } from '../src/gates/types.js';
import { writeGate } from '../src/gates/recorder.js';
import { addSummaries } from '../src/history/add-summaries.js';
import { compareWalk } from '../src/history/compare.js';
import { readStore } from '../src/history/store.js';
import { entryFromSummary } from '../src/history/entry.js';
import { registerSecret } from '../src/evidence/redact.js';
import { reportWalk } from '../src/walk/report-walk.js';
import { TARGET } from './report-fixture.js';
import { SIM, T40, walkSummary, writeSummaryJson, type WalkSpec } from './history-fixture.js';

const SLOTS = ['01-bp-cilium', '02-bp-cert-manager', '03-bp-flux', '18-bp-seaweedfs', '19-bp-harbor', '22-bp-loki', '23-bp-mimir', '24-bp-tempo', '34-bp-velero'];
const FAULTED = 'readiness/18-bp-seaweedfs';
const BLOCKED = ['readiness/19-bp-harbor', 'readiness/22-bp-loki', 'readiness/23-bp-mimir', 'readiness/24-bp-tempo', 'readiness/34-bp-velero'];

function simWalk(night: number, faulted: boolean): WalkSpec {
  const gates: WalkSpec['gates'] = SLOTS.map((s) => {
    const id = `readiness/${s}`;
    const status: GateStatus = !faulted ? 'passed' : id === FAULTED ? 'failed' : BLOCKED.includes(id) ? 'blocked' : 'passed';
    return [id, status, { readyAfterMs: status === 'passed' ? 400 : null }, status === 'blocked' ? FAULTED : undefined];
  });
  return { sovereign: SIM, night, gates: [...gates, ['dod/L1.1-record-ready', 'passed']], tookMs: 90_000 };
}

test('nothing changed: one line in every report', async (t) => {
  const dir = tempDir(t);
  const historyDir = join(dir, 'history');
  addSummaries(historyDir, [0, 1].map((n) => writeSummaryJson(join(dir, 'earlier'), walkSummary(simWalk(n, false)))));
  const input = runFolder(join(dir, 'reports'), walkSummary(simWalk(2, false)));
  let out = '';
  await reportWalk(input, { json: false, reportDir: join(dir, 'reports'), historyDir }, { out: (s) => (out += s), err: () => {}, color: false });
  const line = /Since the last walk of sim\.sovereign-walk\.test\*{0,2} \(run `?\S+`?, readiness\+dod\): nothing changed; 10 gates as before, no figure beyond its recent spread\.\n\n/;
  assert.match(out, line);
  assert.match(out, new RegExp(`${line.source}Evidence`), 'one line in the terminal');
  assert.match(readFileSync(join(input.runDir, 'summary.md'), 'utf8'), new RegExp(`${line.source}## Suites`), 'one line in summary.md');
  assert.match(readFileSync(join(input.runDir, 'index.html'), 'utf8'), /data-testid="history-unchanged">Nothing changed: 10 gates as before; no figure beyond its recent spread\.</);
});

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sw-history-walk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A run folder with the gate files of `summary`, and what run-walk hands the report stage. */
function runFolder(reports: string, summary: Summary) {
  const runDir = join(reports, summary.target, summary.runId);
  mkdirSync(runDir, { recursive: true });
  for (const g of summary.gates) writeGate(runDir, g);
  return { runId: summary.runId, runDir, target: TARGET, startedAt: summary.startedAt, finishedAt: summary.finishedAt, suites: summary.suites, janitor: [], options: summary.options, tool: summary.tool };
}

test('a new walk after a faulted one: the faulted gates newly passed, the earlier ones unchanged (two summary.json files)', (t) => {
  const dir = tempDir(t);
  const reports = join(dir, 'reports');
  const faulted = writeSummaryJson(reports, walkSummary(simWalk(0, true)));
  const fresh = writeSummaryJson(reports, walkSummary(simWalk(1, false)));
  const { added, skipped } = addSummaries(join(dir, 'history'), [reports]);
  assert.equal(added.length, 2);
  assert.deepEqual(skipped, []);
  const store = readStore(join(dir, 'history'), SIM);
  assert.deepEqual(store.entries.map((e) => e.runId), [JSON.parse(readFileSync(fresh, 'utf8')).runId, JSON.parse(readFileSync(faulted, 'utf8')).runId]);
  const c = compareWalk(store.entries[0], store.entries.slice(1));
  assert.deepEqual(c.newlyPassed.map((g) => [g.id, g.was]).sort(), [[FAULTED, 'failed'], ...BLOCKED.map((id) => [id, 'blocked'])].sort());
  assert.equal(c.unchanged, SLOTS.length + 1 - 1 - BLOCKED.length, 'every gate that passed in the faulted walk is unchanged');
  assert.deepEqual([c.newlyFailed, c.stillFailing, c.flipping, c.figures], [[], [], [], []]);
});

test('the walk report stage compares with the history, shows it in every report and adds the walk', async (t) => {
  const dir = tempDir(t);
  const reports = join(dir, 'reports');
  const historyDir = join(dir, 'history');
  addSummaries(historyDir, [writeSummaryJson(join(dir, 'earlier'), walkSummary(simWalk(0, false))), writeSummaryJson(join(dir, 'earlier'), walkSummary(simWalk(1, true)))]);
  const input = runFolder(reports, walkSummary(simWalk(2, false)));
  let out = '';
  let err = '';
  const summary = await reportWalk(input, { json: false, reportDir: reports, historyDir }, { out: (s) => (out += s), err: (s) => (err += s), color: false });

  const h = summary.history!;
  assert.deepEqual(h.newlyPassed.map((g) => g.id).sort(), [FAULTED, ...BLOCKED].sort());
  assert.equal(h.unchanged, 4);
  assert.equal(h.earlierWalks, 2);
  const written = JSON.parse(readFileSync(join(input.runDir, 'summary.json'), 'utf8')) as Summary;
  assert.deepEqual(written.history, JSON.parse(JSON.stringify(h)), 'summary.json carries the section');
  const md = readFileSync(join(input.runDir, 'summary.md'), 'utf8');
  assert.match(md, /\*\*Since the last walk of sim\.sovereign-walk\.test\*\* \(run `[^`]+`, readiness\+dod\): 6 newly passed · 6 flipping · 4 unchanged\./);
  assert.match(md, /- \*\*flipping \(6\):\*\* `readiness\/18-bp-seaweedfs` ✅❌✅ \(2 changes in its last 3 walks\)/, 'clean, faulted, clean: a flip');
  assert.match(md, /- \*\*newly passed \(6\):\*\* `readiness\/18-bp-seaweedfs` \(was failed\) · `readiness\/19-bp-harbor` \(was blocked\)/);
  const html = readFileSync(join(input.runDir, 'index.html'), 'utf8');
  assert.match(html, /<section class="card" id="history"><h2>Since the last walk/);
  assert.match(html, /data-history-class="newly passed">Newly passed \(6\)/);
  assert.match(out, /Since the last walk of sim\.sovereign-walk\.test \(run \S+, readiness\+dod\): 6 newly passed · 6 flipping · 4 unchanged\.\n {2}newly passed \(6\): readiness\/18-bp-seaweedfs \(was failed\)/);
  assert.equal(err, '');
  assert.equal(readStore(historyDir, SIM).entries[0].runId, input.runId, 'the walk joined the history');

  // Walked again: nothing changed but the flips, which stay within the last 5 walks.
  const again = runFolder(reports, walkSummary(simWalk(3, false)));
  out = '';
  const second = await reportWalk(again, { json: false, reportDir: reports, historyDir }, { out: (s) => (out += s), err: (s) => (err += s), color: false });
  assert.match(out, /\nSince the last walk of sim\.sovereign-walk\.test \(run \S+, readiness\+dod\): 6 flipping · 10 unchanged\.\n {2}flipping \(6\): readiness\/18-bp-seaweedfs ✓✗✓✓ /);
  assert.equal(second.history?.newlyPassed.length, 0);
});

test('a corrupt, unknown-version or foreign entry is reported once and skipped; an unusable store never fails the walk', async (t) => {
  const dir = tempDir(t);
  const reports = join(dir, 'reports');
  const historyDir = join(dir, 'history');
  addSummaries(historyDir, [writeSummaryJson(join(dir, 'earlier'), walkSummary(simWalk(0, true)))]);
  const own = join(historyDir, SIM);
  writeFileSync(join(own, 'broken.json'), '{"format": "sovereign-walk/history-entry", "version": 1, "gates": [');
  const newer = { ...entryFromSummary(walkSummary(simWalk(1, false))), version: 2 };
  writeFileSync(join(own, 'newer.json'), JSON.stringify(newer));
  writeFileSync(join(own, 'foreign.json'), JSON.stringify(entryFromSummary(walkSummary({ ...simWalk(1, false), sovereign: T40 }))));
  writeFileSync(join(own, 'shape.json'), JSON.stringify({ ...entryFromSummary(walkSummary(simWalk(1, false))), gates: [{ id: 'x', status: 'green' }] }));
  const input = runFolder(reports, walkSummary(simWalk(2, false)));
  let out = '';
  const summary = await reportWalk(input, { json: true, reportDir: reports, historyDir }, { out: (s) => (out += s), err: () => {}, color: false });
  const skipped = summary.history!.skippedEntries.map((p) => `${p.file}: ${p.problem}`).sort();
  assert.equal(skipped.length, 4);
  assert.match(skipped[0], /broken\.json: not JSON/);
  assert.match(skipped[1], /foreign\.json: an entry of t40\.omani\.works, not sim\.sovereign-walk\.test/);
  assert.match(skipped[2], /newer\.json: unknown format version 2 \(this tool reads 1\)/);
  assert.match(skipped[3], /shape\.json: \/gates\/0\/status must be equal to one of the allowed values/);
  assert.equal(summary.history!.newlyPassed.length, 6, 'the readable entry still counts');
  assert.equal((JSON.parse(out) as Summary).history?.skippedEntries.length, 4, '--json prints the section too');
  const md = readFileSync(join(input.runDir, 'summary.md'), 'utf8');
  assert.equal(md.match(/broken\.json/g)?.length, 1, 'reported once');

  // A store that is a file: the walk reports, says so once on stderr, and keeps its verdict.
  const blocked = join(dir, 'not-a-folder');
  writeFileSync(blocked, 'x');
  let err = '';
  const lone = runFolder(reports, walkSummary(simWalk(3, false)));
  const s2 = await reportWalk(lone, { json: false, reportDir: reports, historyDir: blocked }, { out: () => {}, err: (s) => (err += s), color: false });
  assert.equal(s2.verdict, 'pass');
  assert.match(err, /^history: this walk was not added to .*not-a-folder: /);
  assert.ok(readdirSync(lone.runDir).includes('index.html'));
});

test('the store keeps ids and figures only, redacted: a secret in a gate id never reaches it', (t) => {
  const dir = tempDir(t);
  registerSecret('hunter2-super-secret');
  const s = walkSummary({ sovereign: SIM, night: 0, gates: [['journeys/pin hunter2-super-secret', 'passed'], ['journeys/operator-pin', 'passed']] });
  addSummaries(join(dir, 'history'), [writeSummaryJson(join(dir, 'r'), s)]);
  const [file] = readdirSync(join(dir, 'history', SIM));
  const text = readFileSync(join(dir, 'history', SIM, file), 'utf8');
  assert.doesNotMatch(text, /hunter2/);
  assert.doesNotMatch(text, /"reason"|"evidence"/);
  assert.deepEqual(readStore(join(dir, 'history'), SIM).entries[0].gates.map((g) => g.status), ['passed', 'passed'], 'a gate id ending in "pin" keeps its status');
});
