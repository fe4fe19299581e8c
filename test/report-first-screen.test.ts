/**
 * The report's first screen tells the truth in one look (issue 18, item 4): one root cause per
 * independent failure with its symptoms in other suites blocked by it, a stopped walk's own
 * verdict line with its faults, no link to a missing file, one clock, one gate-id alphabet,
 * one meaning per column, and a summary.md short enough to paste.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultRecord, Gate } from '../src/gates/types.js';
import { attributeSymptoms } from '../src/gates/attribution.js';
import { GATE_ID } from '../src/gates/id.js';
import { writeGate } from '../src/gates/recorder.js';
import { buildSummary, renderTerminalSummary, writeReports, type SummaryInput } from '../src/report/write-reports.js';
import { renderVegaLite } from '../src/report/charts.js';
import { holdTimeline } from '../src/suites/cutover/timeline.js';
import { loadKit } from '../src/kit/load.js';
import { buildCatalog } from '../probes/catalog.js';
import { planDod } from '../src/suites/dod/plan.js';
import { DEFAULT_HTTPS_HOSTS } from '../src/suites/dod/https-hosts.js';
import { failoverGateIds } from '../src/suites/failover/ids.js';
import { CUTOVER_GATE_IDS } from '../src/suites/cutover/ids.js';
import { JOURNEY_GATE_ORDER } from '../src/suites/journeys/gates.js';
import { slotGate } from '../src/suites/readiness/gate.js';
import { EvidenceWriter } from '../src/evidence/writer.js';
import { SUITES } from '../src/cli/args.js';
import { TARGET, T0, writeFailedRun, writePassingRun } from './report-fixture.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sw-first-screen-'));
  dirs.push(d);
  return d;
};
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

const FSN = 'hz-fsn-rtz-prod';
const HEL = 'hz-hel-rtz-prod';
const hr = (name: string) => `flux-system/${name}`;
const notReadyBecauseOf = (name: string, dep: string, region: string) => `${hr(name)} Ready=False (DependencyNotReady: dependency '${hr(dep)}' is not ready) in ${region}`;

function g(id: string, status: Gate['status'], reason: string, o: { helmReleases?: string[]; region?: string; rootCause?: string } = {}): Gate {
  return { id, suite: id.split('/')[0], title: id, status, reason, rootCause: o.rootCause, startedAt: at(0), finishedAt: at(1), labels: { region: o.region }, evidence: [], helmReleases: o.helmReleases };
}

/** One stuck HelmRelease (bp-seaweedfs) seen by readiness and by DoD L3 in both regions, plus two independent DoD failures. */
function stuckSeaweedfs(): Gate[] {
  const root = 'readiness/18-bp-seaweedfs';
  return [
    g('readiness/01-bp-cilium', 'passed', 'Ready', { helmReleases: [hr('bp-cilium')] }),
    g(root, 'failed', 'HelmRelease flux-system/bp-seaweedfs Stalled=True (RetriesExceeded)', { helmReleases: [hr('bp-seaweedfs')] }),
    g('readiness/19-bp-harbor', 'blocked', `dependency ${root} did not become ready`, { helmReleases: [hr('bp-harbor')], rootCause: root }),
    g('readiness/22-bp-loki', 'blocked', 'dependency readiness/19-bp-harbor did not become ready', { helmReleases: [hr('bp-loki')], rootCause: root }),
    g(`dod/L3.${FSN}.18-bp-seaweedfs`, 'failed', `${hr('bp-seaweedfs')} Ready=False (InstallFailed: context deadline exceeded) in ${FSN}`, { helmReleases: [hr('bp-seaweedfs')], region: FSN }),
    ...[FSN, HEL].map((r) => g(`dod/L3.${r}.19-bp-harbor`, 'failed', notReadyBecauseOf('bp-harbor', 'bp-seaweedfs', r), { helmReleases: [hr('bp-harbor')], region: r })),
    g(`dod/L3.${FSN}.not-ready-count`, 'failed', `3 HelmRelease(s) Ready=False in ${FSN}: …`, { helmReleases: [hr('bp-seaweedfs'), hr('bp-harbor'), hr('bp-loki')], region: FSN }),
    // Independent: readiness of bp-cilium passed, so its L3 failure is its own; L5 names no HelmRelease.
    g(`dod/L3.${HEL}.01-bp-cilium`, 'failed', `${hr('bp-cilium')} Ready=False (UpgradeFailed) in ${HEL}`, { helmReleases: [hr('bp-cilium')], region: HEL }),
    g('dod/L5.console', 'failed', 'https://console.sim.sovereign-walk.test/ answered 502'),
  ];
}

function input(runDir: string, over: Partial<SummaryInput> = {}): SummaryInput {
  return {
    runId: 'first-screen',
    runDir,
    target: TARGET,
    startedAt: at(0),
    finishedAt: at(60),
    suites: [...new Set(['readiness', 'dod'])].map((name) => ({ name, startedAt: at(0), finishedAt: at(30) })),
    janitor: [],
    options: {},
    tool: { name: 'sovereign-walk', version: '0.1.0' },
    ...over,
  };
}

test('root causes: DoD L3 symptoms of one stuck HelmRelease are blocked by its readiness gate; independent failures stay root causes', async () => {
  const out = new Map(attributeSymptoms(stuckSeaweedfs()).map((x) => [x.id, x]));
  const root = 'readiness/18-bp-seaweedfs';
  for (const id of [`dod/L3.${FSN}.18-bp-seaweedfs`, `dod/L3.${FSN}.19-bp-harbor`, `dod/L3.${HEL}.19-bp-harbor`, `dod/L3.${FSN}.not-ready-count`]) {
    assert.equal(out.get(id)?.status, 'blocked', id);
    assert.equal(out.get(id)?.rootCause, root, id);
  }
  assert.equal(out.get(`dod/L3.${FSN}.19-bp-harbor`)?.reason, notReadyBecauseOf('bp-harbor', 'bp-seaweedfs', FSN), 'the judged reason is kept');
  assert.equal(out.get(`dod/L3.${HEL}.01-bp-cilium`)?.status, 'failed');
  assert.equal(out.get('dod/L5.console')?.status, 'failed');
  assert.equal(out.get(root)?.status, 'failed');

  const runDir = tempDir();
  for (const x of stuckSeaweedfs()) writeGate(runDir, x);
  const summary = buildSummary(input(runDir));
  assert.deepEqual(summary.counts, { passed: 1, failed: 3, blocked: 6, error: 0, skipped: 0 });
  await writeReports(runDir, summary);
  const md = readFileSync(join(runDir, 'summary.md'), 'utf8');
  assert.match(md, /^\*\*3 root causes\*\* · 3 failed · 0 error · 6 blocked · 1 passed · 0 skipped$/m);
  assert.match(md, new RegExp(`^\\| ❌ \\| \`${root}\` \\| .* \\| 6 gates \\(readiness 2, dod 4\\) \\|$`, 'm'));
  const terminal = renderTerminalSummary(summary, { color: false });
  assert.match(terminal, /^Root causes \(3\):$/m);
  assert.match(terminal, new RegExp(`✗ ${root} +FAILED — .* · blocks 6 gates \\(readiness 2, dod 4\\)$`, 'm'));
  const html = readFileSync(join(runDir, 'index.html'), 'utf8');
  assert.equal(html.match(/<ul class="roots">(.*?)<\/ul>/s)?.[1].match(/<li>/g)?.length, 3);
  assert.match(html, /blocks 6 gates \(readiness 2, dod 4\)/);
});

test('root causes without a readiness suite: DependencyNotReady names the DoD gate of the dependency; an unjudged readiness gate explains nothing', () => {
  const stalled = `dod/L3.${FSN}.18-bp-seaweedfs`;
  const dodOnly = stuckSeaweedfs().filter((x) => x.suite === 'dod');
  const out = new Map(attributeSymptoms(dodOnly).map((x) => [x.id, x]));
  assert.equal(out.get(stalled)?.status, 'failed');
  assert.equal(out.get(`dod/L3.${FSN}.19-bp-harbor`)?.rootCause, stalled);
  assert.equal(out.get(`dod/L3.${HEL}.19-bp-harbor`)?.status, 'failed', 'no gate judged bp-seaweedfs in the other region');

  const withError = [g('readiness/18-bp-seaweedfs', 'error', 'watch failed', { helmReleases: [hr('bp-seaweedfs')] }), ...dodOnly];
  assert.equal(attributeSymptoms(withError).find((x) => x.id === stalled)?.status, 'failed');
});

const EGRESS: FaultRecord = { id: 'f-1', kind: 'egress-block', target: `${FSN}/ciliumclusterwidenetworkpolicies/sovereign-walk-egress-block`, appliedAt: at(40), revertedAt: at(41), runId: 'first-screen' };

test('a stopped walk ends ⏹ STOPPED with what it judged and the faults it applied and reverted, in every report', async () => {
  const runDir = tempDir();
  writeGate(runDir, g('readiness/01-bp-cilium', 'passed', 'Ready'));
  writeGate(runDir, g('cutover/tether-gitrepository', 'passed', 'no tether'));
  const summary = buildSummary(input(runDir, { suites: [{ name: 'readiness', startedAt: at(0), finishedAt: at(30) }, { name: 'cutover', startedAt: at(30), finishedAt: '' }], stopped: { signal: 'SIGINT', during: 'cutover' }, faults: [EGRESS] }));
  assert.equal(summary.verdict, 'fail', 'a stopped walk is never a pass');
  await writeReports(runDir, summary);
  const line = '⏹ STOPPED — by SIGINT during cutover, before a verdict: 2 checks judged, 0 not passing; 1 fault applied, 1 reverted.';
  const md = readFileSync(join(runDir, 'summary.md'), 'utf8');
  assert.equal(lastLine(md), line);
  assert.match(md, /^# sovereign-walk — sim\.sovereign-walk\.test — STOPPED$/m);
  assert.ok(md.includes(`egress-block on ${EGRESS.target} (applied 2026-11-22 10:00:40 UTC, reverted 2026-11-22 10:00:41 UTC)`));
  assert.equal(lastLine(renderTerminalSummary(summary, { color: false })), line);
  const html = readFileSync(join(runDir, 'index.html'), 'utf8');
  assert.match(html, /<title>STOPPED — /);
  assert.ok(html.includes('Faults this walk applied'));
  assert.ok(!html.includes('NOT READY') && !md.includes('NOT READY'));

  const held = buildSummary(input(runDir, { stopped: { signal: 'SIGTERM' }, faults: [{ ...EGRESS, revertedAt: undefined, detail: 'revert failed: API unreachable' }] }));
  assert.match(renderTerminalSummary(held, { color: false }), /⏹ STOPPED — by SIGTERM, before a verdict: .*; 1 fault applied, 0 reverted; NOT reverted: egress-block on hz-fsn-rtz-prod\/.*\.$/);
});

/** Every relative link of index.html and summary.md, without its #fragment. */
function links(runDir: string): string[] {
  const html = readFileSync(join(runDir, 'index.html'), 'utf8');
  const md = readFileSync(join(runDir, 'summary.md'), 'utf8');
  const found = [...html.matchAll(/\b(?:href|src)="([^"#][^"]*)"/g), ...md.matchAll(/\]\(([^)#][^)]*)\)/g)].map((m) => m[1].replace(/&amp;/g, '&'));
  return [...new Set(found)];
}

test('no link to a file that does not exist: evidence/ only with evidence, the Allure site only once built', async () => {
  for (const write of [writeFailedRun, writePassingRun]) {
    const runDir = tempDir();
    await writeReports(runDir, buildSummary(write(runDir)));
    const all = links(runDir);
    assert.ok(all.includes('junit.xml') && all.includes('summary.json'));
    for (const href of all) assert.ok(existsSync(join(runDir, href)), `${write.name}: ${href} exists`);
    assert.ok(!all.some((l) => l.startsWith('allure-report')));
    assert.match(readFileSync(join(runDir, 'index.html'), 'utf8'), /Allure site: <code>npm run report<\/code>/);
  }
  const runDir = tempDir();
  const summary = buildSummary(writeFailedRun(runDir));
  mkdirSync(join(runDir, 'allure-report'));
  writeFileSync(join(runDir, 'allure-report/index.html'), '<!doctype html>');
  await writeReports(runDir, summary);
  assert.ok(links(runDir).includes('allure-report/index.html'));
});

test('one clock: charts and reports say 24-hour UTC whatever the renderer\'s time zone', async () => {
  const tz = process.env.TZ;
  process.env.TZ = 'America/Los_Angeles';
  try {
    const t = Date.parse('2026-11-22T21:06:00.000Z');
    const timeline = holdTimeline([{ lane: 'egress block', label: 'hold', at: t, end: t + 300_000 }, { lane: 'forced reconcile', label: 'bp-cilium: Ready', at: t + 120_000, ok: true }], 'enforce');
    const svg = await renderVegaLite(timeline.vegaLite);
    assert.match(svg, />21:07:00</, 'ticks on the UTC clock, 24-hour');
    assert.doesNotMatch(svg, />(09|13):0\d/, 'neither 12-hour nor Los Angeles time');
    assert.match(svg, /aria-label="at: 21:08:00; lane: forced reconcile; event: as expected;/, 'a passing forced reconcile is an "as expected" point, not a red one');
    assert.match(svg, /Symbol legend titled 'event' for fill color with 3 values: as expected, problem, event/, 'the colours are explained');
  } finally {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
  const runDir = tempDir();
  await writeReports(runDir, buildSummary(writeFailedRun(runDir)));
  const html = readFileSync(join(runDir, 'index.html'), 'utf8');
  assert.match(html, /started 2026-11-22 10:00:00 UTC/);
  assert.match(html, /every time in this report is UTC \(24-hour\)/);
  assert.doesNotMatch(html.replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<pre class="options">[\s\S]*?<\/pre>/, ''), /\d\d:\d\d:\d\d\.\d{3}Z/, 'no raw ISO stamps outside the charts and the options');
});

test('one gate-id alphabet: every id a suite declares is a slug; titles carry the words and symbols', () => {
  const regions = [{ name: FSN, role: 'primary' as const, kubeconfigPath: '/x' }, { name: HEL, role: 'secondary' as const, kubeconfigPath: '/y' }];
  const kits = ['fixtures/bootstrap-kit-48.json', 'fixtures/bootstrap-kit-2026-04-30.json', 'fixtures/kind/kit-kind.json'].map(loadKit);
  const ids = [
    ...kits.flatMap((k) => buildCatalog(k, [{ slot: 'unslotted', name: 'bp-extra', namespace: 'flux-system' }]).map((p) => p.id)),
    ...kits.flatMap((kit) => planDod({ target: { ...TARGET, regions }, options: { minNodes: 4 }, kit, hosts: DEFAULT_HTTPS_HOSTS }).map((c) => c.id)),
    ...Object.values(failoverGateIds()),
    ...CUTOVER_GATE_IDS,
    ...JOURNEY_GATE_ORDER,
    ...SUITES.map((s) => `${s}/suite-run`),
  ];
  assert.ok(ids.length > 300);
  assert.deepEqual(ids.filter((id) => !GATE_ID.test(id)), []);
  assert.throws(() => writeGate(tempDir(), g('failover/D31 RTO ≤ 30s', 'passed', 'x')), /is not <suite>\/<name> in \[A-Za-z0-9\._-\]/);
});

test('columns mean one thing: a readiness gate has a slot and no DoD id; it names its HelmRelease', () => {
  const probe = buildCatalog(loadKit('fixtures/bootstrap-kit-48.json'))[0];
  const gate = slotGate({ probe, status: 'blocked', reason: 'x', rootCause: 'readiness/00', startedAt: T0, finishedAt: T0, regions: [], flaps: [] }, [FSN], new EvidenceWriter(tempDir(), 'sim'));
  assert.equal(gate.labels.slot, '01');
  assert.equal(gate.labels.dodGate, undefined);
  assert.deepEqual(gate.helmReleases, ['flux-system/bp-cilium']);
});

test('summary.md of 227 passing gates is one line per suite and at most 3 KB', async () => {
  const runDir = tempDir();
  const perSuite = { readiness: 48, dod: 142, journeys: 16, cutover: 14, failover: 7 };
  for (const [suite, n] of Object.entries(perSuite)) {
    for (let i = 1; i <= n; i++) writeGate(runDir, { ...g(`${suite}/gate-${String(i).padStart(3, '0')}-with-a-realistic-length-name`, 'passed', 'Ready=True at generation 3 and its surface answered 200 within 120 ms'), title: `${suite} check ${i}: a readable title with symbols ≤ 30s` });
  }
  const summary = buildSummary(input(runDir, { suites: Object.keys(perSuite).map((name) => ({ name, startedAt: at(0), finishedAt: at(30) })) }));
  assert.equal(summary.counts.passed, 227);
  await writeReports(runDir, summary);
  const md = readFileSync(join(runDir, 'summary.md'), 'utf8');
  assert.ok(Buffer.byteLength(md) <= 3072, `summary.md is ${Buffer.byteLength(md)} bytes`);
  assert.match(md, /^\| dod \| ✅ 142 passed \| 30\.0s \|$/m);
  assert.equal(lastLine(md), '✅ TRUE READY — all 227 checks pass.');
});
