/**
 * junit.xml, summary.md, summary.json, the Allure metadata and the terminal summary of a
 * synthetic failed run (and a passing one): the failed gate, the blocked gates with their root
 * cause and the evidence appear in every format; the verifier line is last.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Summary } from '../src/gates/types.js';
import { SCHEMA_VERSION } from '../src/gates/types.js';
import { buildSummary, renderTerminalSummary, writeReports } from '../src/report/write-reports.js';
import { ALLURE_CATEGORIES } from '../src/report/allure-meta.js';
import { criticalPath } from '../src/report/critical-path.js';
import { BLOCKED_GATES, ERROR_GATE, FAILED_GATE, TARGET, gate, writeFailedRun, writePassingRun } from './report-fixture.js';
import { tempDir } from './helpers/temp.js';

const CHROMIUM = { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] };

async function failedRun(): Promise<{ runDir: string; summary: Summary; files: string[] }> {
  const runDir = tempDir('sw-report-formats-');
  const summary = buildSummary(writeFailedRun(runDir));
  const { files } = await writeReports(runDir, summary);
  return { runDir, summary, files };
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);
const read = (runDir: string, f: string) => readFileSync(join(runDir, f), 'utf8');

interface JunitCase {
  name: string;
  classname: string;
  time: string;
  failure?: string;
  error?: string;
  skipped?: string;
  out?: string;
}

/** Parses junit.xml with Chromium's DOMParser: a malformed document fails the test. */
async function parseJunit(xml: string): Promise<{ suites: { name: string; tests: string; failures: string; errors: string; skipped: string }[]; cases: JunitCase[] }> {
  const browser = await chromium.launch(CHROMIUM);
  try {
    const page = await browser.newPage();
    return await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const err = doc.querySelector('parsererror');
      if (err) throw new Error(`junit.xml is not well-formed: ${err.textContent}`);
      if (doc.documentElement.nodeName !== 'testsuites') throw new Error(`root is ${doc.documentElement.nodeName}`);
      const suites = Array.from(doc.documentElement.children).map((s) => {
        if (s.nodeName !== 'testsuite') throw new Error(`unexpected ${s.nodeName} under testsuites`);
        return { name: s.getAttribute('name') ?? '', tests: s.getAttribute('tests') ?? '', failures: s.getAttribute('failures') ?? '', errors: s.getAttribute('errors') ?? '', skipped: s.getAttribute('skipped') ?? '' };
      });
      const cases = Array.from(doc.querySelectorAll('testsuite > testcase')).map((c) => ({
        name: c.getAttribute('name') ?? '',
        classname: c.getAttribute('classname') ?? '',
        time: c.getAttribute('time') ?? '',
        failure: c.querySelector('failure')?.getAttribute('message') ?? undefined,
        error: c.querySelector('error')?.getAttribute('message') ?? undefined,
        skipped: c.querySelector('skipped')?.getAttribute('message') ?? undefined,
        out: c.querySelector('system-out')?.textContent ?? undefined,
      }));
      return { suites, cases };
    }, xml);
  } finally {
    await browser.close();
  }
}

test('junit.xml: a testsuite per suite, a testcase per gate, failure/error/skipped with reasons and times', async () => {
  const { runDir, summary } = await failedRun();
  const junit = await parseJunit(read(runDir, 'junit.xml'));
  assert.deepEqual(junit.suites.map((s) => s.name), ['readiness', 'dod', 'journeys', 'failover']);
  assert.deepEqual(junit.suites[0], { name: 'readiness', tests: '11', failures: '1', errors: '0', skipped: '3' });
  assert.equal(junit.cases.length, summary.gates.length);
  const byName = new Map(junit.cases.map((c) => [c.name, c]));
  const failed = byName.get(FAILED_GATE);
  assert.ok(failed?.failure?.includes('InstallFailed'));
  assert.equal(failed?.classname, 'readiness');
  assert.equal(failed?.time, '300.000');
  assert.match(failed?.out ?? '', /\[\[ATTACHMENT\|evidence\/sim-bp-cnpg-2026-11-22\.json\]\]/);
  for (const id of BLOCKED_GATES) assert.match(byName.get(id)?.skipped ?? '', new RegExp(`^BLOCKED by ${FAILED_GATE}: `));
  assert.match(byName.get(ERROR_GATE)?.error ?? '', /ECONNREFUSED/);
  assert.match(byName.get('failover/region-kill')?.skipped ?? '', /^SKIPPED: chaos not allowed/);
  assert.equal(byName.get('readiness/01-bp-cilium')?.failure, undefined);
  assert.ok(junit.cases.every((c) => /^\d+\.\d{3}$/.test(c.time)));
});

test('summary.md: root causes first with what they block, blocked and skipped gates folded, one line per suite, the verifier line last', async () => {
  const { runDir } = await failedRun();
  const md = read(runDir, 'summary.md');
  assert.equal(lastLine(md), '❌ NOT READY — 5 of 14 checks failed.');
  assert.match(md, /^\*\*2 root causes\*\* · 1 failed · 1 error · 3 blocked · 9 passed · 1 skipped$/m);
  assert.ok(md.includes(`| ❌ | \`${FAILED_GATE}\` | HelmRelease bp-cnpg not Ready after 300s: InstallFailed — timed out waiting for the condition | 3 gates (readiness 3) |`));
  assert.match(md, new RegExp(`\\| ⚠️ \\| \`${ERROR_GATE.replace('.', '\\.')}\` \\| kube API`));
  assert.ok(md.indexOf('## Root causes') < md.indexOf('<summary>3 blocked gates'), 'failures first');
  for (const id of BLOCKED_GATES) assert.match(md, new RegExp(`\\| ⊘ \\| \`${id}\` \\| \`${FAILED_GATE}\` \\| `));
  assert.match(md, /<summary>1 skipped gate: not applicable to this walk<\/summary>/);
  assert.match(md, /^\| readiness \| ❌ 1 failed · ⊘ 3 blocked · ✅ 7 passed \| 6m35s \|$/m);
  assert.ok(!md.includes('readiness/01-bp-cilium'), 'passing gates are one line per suite, not one row each');
  assert.match(md, /2026-11-22 10:00:00 UTC → 2026-11-22 10:07:12 UTC/);

  const passDir = tempDir('sw-report-formats-pass-');
  const pass = buildSummary(writePassingRun(passDir));
  await writeReports(passDir, pass);
  assert.equal(pass.verdict, 'pass');
  // The skipped gate is not a check: N = 3 of the 4 gates.
  assert.equal(lastLine(read(passDir, 'summary.md')), '✅ TRUE READY — all 3 checks pass.');
});

test('summary.json: schemaVersion, verdict, counts, gates with root cause and evidence, timeline SVG paths', async () => {
  const { runDir } = await failedRun();
  const s = JSON.parse(read(runDir, 'summary.json')) as Summary;
  assert.equal(s.schemaVersion, SCHEMA_VERSION);
  assert.equal(s.verdict, 'fail');
  assert.deepEqual(s.counts, { passed: 9, failed: 1, blocked: 3, skipped: 1, error: 1 });
  assert.equal(s.sovereign, TARGET.sovereign);
  assert.deepEqual(s.gates.slice(0, 3).map((g) => g.id), ['readiness/01-bp-cilium', 'readiness/02-bp-cert-manager', 'readiness/03-bp-flux']);
  const failed = s.gates.find((g) => g.id === FAILED_GATE);
  assert.deepEqual(failed?.evidence.map((e) => e.path).sort(), ['evidence/sim-bp-cnpg-2026-11-22.json', 'evidence/sim-bp-cnpg-2026-11-22.log', 'evidence/sim-cnpg-healthz-2026-11-22.json']);
  for (const id of BLOCKED_GATES) assert.equal(s.gates.find((g) => g.id === id)?.rootCause, FAILED_GATE);
  assert.deepEqual(s.timelines.map((t) => t.svgPath), ['charts/journeys-latency.svg']);
  const html = read(runDir, 'index.html');
  assert.ok(html.includes(FAILED_GATE) && html.includes('href="evidence/sim-cnpg-healthz-2026-11-22.json"'));
});

test('verdict rules: no gate ran → fail; a suite that could not run becomes an error gate', () => {
  const empty = tempDir('sw-report-empty-');
  const base = { runId: 'r', runDir: empty, target: TARGET, startedAt: '2026-11-22T10:00:00.000Z', finishedAt: '2026-11-22T10:00:01.000Z', janitor: [], options: {}, tool: { name: 'sovereign-walk', version: '0.1.0' } };
  const none = buildSummary({ ...base, suites: [{ name: 'readiness', startedAt: base.startedAt, finishedAt: base.finishedAt }] });
  assert.equal(none.verdict, 'fail');
  assert.equal(lastLine(renderTerminalSummary(none, { color: false })), '❌ NOT READY — 0 of 0 checks failed. No check ran.');

  const crashed = buildSummary({ ...base, suites: [{ name: 'journeys', startedAt: base.startedAt, finishedAt: base.finishedAt, error: 'playwright exited with code 3' }] });
  assert.equal(crashed.verdict, 'fail');
  assert.deepEqual(crashed.gates.map((g) => [g.id, g.status]), [['journeys/suite-run', 'error']]);
  assert.match(crashed.gates[0].reason, /playwright exited with code 3/);
});

test('Allure metadata: categories tell product failures, blocked gates and harness errors apart; environment lists the target', async () => {
  const { runDir } = await failedRun();
  const categories = JSON.parse(read(runDir, 'allure-results/categories.json')) as typeof ALLURE_CATEGORIES;
  const match = (status: string, message: string) =>
    categories.filter((c) => c.matchedStatuses.includes(status as never) && new RegExp(c.messageRegex).test(message)).map((c) => c.name);
  assert.deepEqual(match('failed', `GateFailure: FAILED ${FAILED_GATE}: not ready`), ['Product failures']);
  assert.deepEqual(match('skipped', `BLOCKED by ${FAILED_GATE}: dependency failed`), ['Blocked by a failed dependency']);
  assert.deepEqual(match('failed', `HarnessError: HARNESS ERROR ${ERROR_GATE}: api down`), ['Harness / infrastructure errors']);
  assert.deepEqual(match('broken', 'Test timeout of 30000ms exceeded.'), ['Harness / infrastructure errors']);
  assert.deepEqual(match('skipped', 'SKIPPED: chaos not allowed'), ['Skipped (not applicable)']);
  const env = read(runDir, 'allure-results/environment.properties');
  assert.match(env, /^Sovereign=sim\.sovereign-walk\.test$/m);
  assert.match(env, /^Verdict=fail$/m);
  assert.match(env, /^option.suites=readiness, dod, journeys, failover$/m);
});

test('terminal summary: counts per suite, every non-passed gate with reason or root cause, verifier line last', async () => {
  const { runDir, summary } = await failedRun();
  const plain = renderTerminalSummary(summary, { color: false, runDir });
  assert.match(plain, /^ {2}readiness +1 failed, 3 blocked, 7 passed \(6m35s\)$/m);
  assert.match(plain, new RegExp(`✗ ${FAILED_GATE} +FAILED — HelmRelease bp-cnpg not Ready`));
  for (const id of BLOCKED_GATES) assert.match(plain, new RegExp(`⊘ ${id} +BLOCKED by ${FAILED_GATE} — `));
  assert.match(plain, new RegExp(`! ${ERROR_GATE.replace('.', '\\.')} +ERROR — kube API`));
  assert.match(plain, /– failover\/region-kill +SKIPPED — /);
  assert.ok(!plain.includes('readiness/01-bp-cilium'), 'passed gates are not listed');
  assert.ok(plain.includes(`Evidence and reports: ${runDir}`));
  assert.equal(lastLine(plain), '❌ NOT READY — 5 of 14 checks failed.');
  assert.ok(!plain.includes('\u001b['));
  const colored = renderTerminalSummary(summary, { color: true, runDir });
  assert.ok(colored.includes('\u001b[31m'));
  assert.equal(lastLine(colored)?.replace(/\u001b\[[0-9;]*m/g, ''), '❌ NOT READY — 5 of 14 checks failed.');
});

test('critical path: follows the dependency that finished last, ignores unjudged gates, deterministic on ties', () => {
  const g = (id: string, from: number, to: number, dependsOn: string[] = [], status: 'passed' | 'blocked' = 'passed') =>
    gate({ id: `readiness/${id}`, status, from, to, reason: 'r', dependsOn: dependsOn.map((d) => `readiness/${d}`) });
  const gates = [g('a', 0, 10), g('b', 0, 30), g('c', 30, 40, ['a', 'b']), g('d', 40, 90, ['c']), g('e', 10, 60, ['a']), g('x', 95, 95, ['d'], 'blocked')];
  assert.deepEqual(criticalPath(gates), ['readiness/b', 'readiness/c', 'readiness/d']);
  const tie = [g('p', 0, 10), g('q', 0, 10), g('r', 10, 20, ['q', 'p'])];
  assert.deepEqual(criticalPath(tie), ['readiness/p', 'readiness/r']);
  assert.deepEqual(criticalPath([g('z', 0, 0, [], 'blocked')]), []);
});

test("the target's caveats are repeated in every report, verbatim", async () => {
  const runDir = tempDir('sw-report-caveats-');
  const input = writePassingRun(runDir);
  const caveat = 'regions share loopback: egress is not dropped by a kernel';
  const summary = buildSummary({ ...input, target: { ...input.target, caveats: [caveat] } });
  await writeReports(runDir, summary);
  assert.deepEqual(JSON.parse(read(runDir, 'summary.json')).caveats, [caveat]);
  assert.match(read(runDir, 'summary.md'), /> ℹ️ the target says: regions share loopback: egress is not dropped by a kernel\n/);
  assert.match(renderTerminalSummary(summary, { color: false }), /The target says: regions share loopback: egress is not dropped by a kernel\./);
  assert.match(read(runDir, 'index.html'), /data-testid="caveat">The target says: regions share loopback: egress is not dropped by a kernel\.</);
  const plain = buildSummary(writePassingRun(tempDir('sw-report-caveats-')));
  assert.equal(plain.caveats, undefined, 'a target that says nothing gets no line');
});
