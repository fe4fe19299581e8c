/**
 * The bench's pure helpers and verdicts: statistics, formatting, the write-rate judge, the
 * memory trend, the kubectl script's judges. No timing is asserted here: figures are measured
 * by `npm run bench`, never by tests.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCatalog } from '../probes/catalog.js';
import type { Kit } from '../src/kit/types.js';
import type { Gate } from '../src/gates/types.js';
import { holdWindow, roleOf, settleMsFor, simTreeIn, summarizeSample, trend } from '../bench/memory.js';
import { planScript, type ScriptStep } from '../bench/probe-script.js';
import { kbField, sampleTree } from '../bench/proc-tree.js';
import { renderTable, timestampName } from '../bench/report.js';
import { formatMs, formatRatio, formatSlope, gaps, MB, median, percentile, slope, speedup } from '../bench/stats.js';
import { judgeRate } from '../bench/writes.js';
import type { WriterStats } from '../src/failover/writer.js';
import { economyOf, parseRequestTotals, runRequests } from '../bench/api-economy.js';
import { sweepSpanMs, WALK_OVERHEAD_TARGET_MS } from '../bench/walk-overhead.js';
import type { Summary } from '../src/gates/types.js';

test('median and percentile', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95), 10);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5), 5);
  assert.throws(() => percentile([1], 1.5), RangeError);
  assert.deepEqual(gaps([30, 10, 20, 25]), [10, 5, 5]);
});

test('least-squares slope', () => {
  assert.equal(slope([0, 1, 2, 3].map((x) => ({ x, y: 2 * x + 1 }))), 2);
  assert.equal(slope([0, 1, 2, 3].map((x) => ({ x, y: 7 }))), 0);
  // A sawtooth around a flat line has no trend; the same sawtooth on a ramp has the ramp's.
  const saw = Array.from({ length: 40 }, (_, i) => ({ x: i, y: 100 + (i % 4) * 5 }));
  assert.ok(Math.abs(slope(saw)) < 0.2);
  assert.ok(Math.abs(slope(saw.map((p) => ({ x: p.x, y: p.y + 0.5 * p.x }))) - 0.5) < 0.2);
  assert.ok(Number.isNaN(slope([{ x: 1, y: 1 }])));
  assert.ok(Number.isNaN(slope([{ x: 1, y: 1 }, { x: 1, y: 2 }])));
});

test('ratio and unit formatting', () => {
  assert.equal(speedup(10_000, 500), 20);
  assert.equal(formatRatio(speedup(10_000, 500)), '20.0×');
  assert.equal(formatRatio(8.888), '8.9×');
  assert.equal(formatRatio(150.4), '150×');
  assert.equal(formatRatio(speedup(10_000, 0)), 'n/a');
  assert.equal(formatMs(850.4), '850 ms');
  assert.equal(formatMs(12_345), '12.3 s');
  assert.equal(formatSlope(1.234), '+1.23 MB/min');
  assert.equal(formatSlope(-0.4), '-0.40 MB/min');
  assert.equal(formatSlope(Number.NaN), 'n/a');
});

const stats = (over: Partial<WriterStats>): WriterStats => ({
  sent: 1000, acked: 1000, errors: 0, achievedRate: 200, spacing: { medianMs: 5, p95Ms: 12 }, skipped: 0, writer: 'node', ...over,
});

test('write-rate judge passes a sustained run and names what a weak one missed', () => {
  assert.deepEqual(judgeRate({ ratePerSec: 200, stats: stats({}) }), { ok: true, problems: [] });
  assert.deepEqual(judgeRate({ ratePerSec: 50, stats: stats({ sent: 250, acked: 250, achievedRate: 49.9, spacing: { medianMs: 20, p95Ms: 23 } }) }).problems, []);
  const slow = judgeRate({ ratePerSec: 200, stats: stats({ achievedRate: 150 }) });
  assert.equal(slow.ok, false);
  assert.match(slow.problems.join(), /achieved 150\/s/);
  assert.match(judgeRate({ ratePerSec: 200, stats: stats({ acked: 990, errors: 10 }) }).problems.join(), /10 not acknowledged/);
  assert.match(judgeRate({ ratePerSec: 50, stats: stats({ sent: 250, acked: 250, achievedRate: 50, spacing: { medianMs: 45, p95Ms: 60 } }) }).problems.join(), /median spacing 45 ms vs 20 ms/);
});

test('memory: roles, hold window, peak and trend over the hold only', () => {
  const proc = (pid: number, cmdline: string, mb: number) => ({ pid, cmdline, rssBytes: mb * MB, pssBytes: (mb / 2) * MB });
  assert.equal(roleOf(proc(10, '/usr/bin/node --max-semi-space-size=2 dist/cli/walk.js', 1), 10), 'walk');
  assert.equal(roleOf(proc(13, '/usr/lib/chromium/chromium --headless', 1), 10), 'browser');
  assert.equal(roleOf(proc(14, '/usr/lib/postgresql/15/bin/postgres -D x', 1), 10), 'other');
  assert.equal(roleOf(proc(15, '/usr/lib/postgresql/15/bin/postgres -D x', 1), 10, new Set([11, 15])), 'sim');
  assert.deepEqual([...simTreeIn([proc(10, 'node dist/cli/walk.js', 1), proc(process.pid, '/usr/bin/node /repo/dist/cli/sim.js --launched', 1)], 10)].slice(0, 1), [process.pid], 'the sim child is found by its script');

  const s = summarizeSample(0, 10, [proc(10, 'node walk', 100), proc(11, 'node dist/cli/sim.js', 200), proc(12, '/usr/lib/chromium/chromium --type=renderer', 50), proc(14, 'postgres', 300)], new Set([11]));
  assert.equal(s.harnessRss, 150 * MB, 'neither the sim nor PostgreSQL is harness memory');
  assert.equal(s.byRole.sim, 200 * MB);
  assert.equal(s.harnessPss, 75 * MB);

  const gate = { startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:20:00.000Z', steps: [
    { name: 'start', status: 'passed', startedAt: '2026-01-01T00:01:00.000Z', finishedAt: '2026-01-01T00:01:00.000Z' },
    { name: 'watch', status: 'passed', startedAt: '2026-01-01T00:01:00.000Z', finishedAt: '2026-01-01T00:11:00.000Z' },
  ] } as unknown as Gate;
  const { start, end } = holdWindow(gate);
  assert.equal(end - start, 10 * 60_000);

  // 2 s samples: a start-up spike before the hold, then +2 MB/min during it.
  const samples = Array.from({ length: 400 }, (_, i) => {
    const at = Date.parse('2026-01-01T00:00:00.000Z') + i * 2000;
    const mb = at < start ? 240 : 120 + ((at - start) / 60_000) * 2;
    return summarizeSample(at, 10, [proc(10, 'node walk', mb)]);
  });
  const t = trend(samples, start, end);
  assert.ok(Math.abs(t.slopeMBPerMin - 2) < 0.01, `slope ${t.slopeMBPerMin}`);
  assert.ok(Math.abs(t.peakMB - 140) < 0.1, 'the start-up spike before the hold is not the hold peak');
  assert.equal(t.peakByRoleMB.walk, 140);
  assert.equal(t.slopeByRoleMBPerMin.walk, 2, 'the growth is attributed to the walk process');
  assert.equal(t.slopeByRoleMBPerMin.browser, 0);

  // A leak hidden behind a garbage collection in the hold's first seconds: the settled slope still shows it.
  const gcThenLeak = samples.map((s) => (s.at < start + 20_000 ? summarizeSample(s.at, 10, [proc(10, 'node walk', 400)]) : s));
  assert.ok(trend(gcThenLeak, start, end).slopeMBPerMin < 0, 'unsettled, the fall from 400 MB masks the leak');
  assert.equal(settleMsFor(10 * 60_000), 60_000);
  assert.equal(settleMsFor(60_000), 30_000);
  const settled = trend(gcThenLeak, start, end, settleMsFor(end - start));
  assert.ok(Math.abs(settled.slopeMBPerMin - 2) < 0.01, `settled slope ${settled.slopeMBPerMin}`);
  assert.equal(settled.peakMB, 400, 'the peak still covers the whole hold');
});

test('proc-tree reads this process', () => {
  assert.equal(kbField('Name:\tnode\nVmRSS:\t  2048 kB\n', 'VmRSS'), 2 * 1024 * 1024);
  assert.equal(kbField('Name:\tzombie\n', 'VmRSS'), undefined);
  const me = sampleTree(process.pid).find((p) => p.pid === process.pid);
  assert.ok(me && me.rssBytes > 0 && me.pssBytes > 0 && me.cmdline.includes('node'));
});

const kit: Kit = {
  slots: [
    { slot: '01', name: 'bp-a', dependsOn: [], ready: { kind: 'helmrelease-ready', namespace: 'flux-system', name: 'bp-a' }, surface: { kind: 'resource-condition', resource: 'clusterissuers.cert-manager.io', all: true, condition: 'Ready', status: 'True' } },
    { slot: '02', name: 'bp-b', dependsOn: ['bp-a'], ready: { kind: 'helmrelease-ready', namespace: 'flux-system', name: 'bp-b' }, surface: { kind: 'http-json', url: 'https://bao.<sov>/v1/sys/health', expect: { sealed: false } } },
    { slot: '03', name: 'bp-c', dependsOn: [], ready: { kind: 'helmrelease-ready', namespace: 'flux-system', name: 'bp-c' }, surface: { kind: 'exec', namespace: 'v', target: 'deploy/v', command: ['ping'] } },
    { slot: '04', name: 'bp-d', dependsOn: [], ready: { kind: 'helmrelease-ready', namespace: 'flux-system', name: 'bp-d' }, surface: { kind: 'resource-field', resource: 'clusterpolicies.kyverno.io', field: 'status.ready', equals: true, atLeast: 1 } },
  ],
};

test('the kubectl script: one call per check in dependency order, judged from its output', () => {
  const plan = planScript(buildCatalog(kit), {
    kubeconfig: '/k', cacheDir: '/c', sovereign: 'sim.test', placeholder: '<sov>', caFile: '/ca.pem',
    resolve: [{ host: '*.sim.test', port: 443, address: '127.0.0.1', targetPort: 8443 }],
  });
  assert.deepEqual(plan.steps.map((s) => `${s.slot} ${s.what}`), [
    'readiness/01-bp-a helmrelease', 'readiness/01-bp-a resource-condition',
    'readiness/02-bp-b helmrelease', 'readiness/02-bp-b http-json',
    'readiness/03-bp-c helmrelease',
    'readiness/04-bp-d helmrelease', 'readiness/04-bp-d resource-field',
  ]);
  assert.deepEqual(plan.excluded.map((e) => `${e.slot} ${e.kind}`), ['readiness/03-bp-c exec']);
  const step = (i: number): ScriptStep => plan.steps[i];
  assert.deepEqual(step(0).args.slice(0, 4), ['--kubeconfig', '/k', '--cache-dir', '/c']);

  assert.equal(step(0).judge('True'), undefined);
  assert.equal(step(0).judge('False'), 'Ready=False');
  assert.equal(step(1).judge('ca\tTrue\nselfsigned\tTrue\n'), undefined);
  assert.equal(step(1).judge('ca\tTrue\nselfsigned\tFalse\n'), '1 of 2 Ready=True');
  assert.equal(step(1).judge(''), 'no clusterissuers.cert-manager.io');

  assert.equal(step(3).tool, 'curl');
  assert.ok(step(3).args.includes('bao.sim.test:443:127.0.0.1:8443'), '--connect-to follows the target resolve rule');
  assert.equal(step(3).args.at(-1), 'https://bao.sim.test/v1/sys/health');
  assert.equal(step(3).judge('{"sealed":false,"initialized":true}\n200'), undefined);
  assert.match(step(3).judge('{"sealed":true}\n200') ?? '', /does not contain/);
  assert.equal(step(3).judge('bad gateway\n502'), 'HTTP 502');

  assert.equal(step(6).judge('true\n'), undefined);
  assert.equal(step(6).judge('false\n\n'), '0 of 2 match');
});

test('report: file-safe timestamps and a table with every verdict', () => {
  assert.equal(timestampName(new Date('2026-11-22T06:49:03.772Z')), '2026-11-22T06-49-03Z');
  const table = renderTable({
    schemaVersion: 1,
    mode: 'quick',
    durationMs: 1,
    machine: { nproc: 2, totalMemoryMB: 4096, cpuModel: 'cpu', kernel: 'k', node: 'v20', date: '2026-11-22T06:49:03.772Z' },
    figures: [
      { id: 'a', title: 'A', measured: '1 ms', target: '< 2 ms', verdict: 'PASS' },
      { id: 'b', title: 'B', measured: '—', target: '< 2 MB', verdict: 'NOT MEASURED', note: 'not measured: hold blocked' },
    ],
  });
  assert.match(table, /A\s+1 ms\s+< 2 ms\s+PASS/);
  assert.match(table, /B\s+—\s+< 2 MB\s+NOT MEASURED/);
  assert.match(table, /b: not measured: hold blocked/);
  assert.match(table, /2 CPUs .* 4096 MB RAM/);
});

test("API economy: the server's apiserver_request_total by verb and resource, the run minus an idle window, and the LIST/WATCH budget", () => {
  const metrics = (hr: number, watch: number, lease: number) => [
    '# HELP apiserver_request_total [STABLE] Counter of apiserver requests',
    '# TYPE apiserver_request_total counter',
    `apiserver_request_total{code="200",component="apiserver",dry_run="",group="helm.toolkit.fluxcd.io",resource="helmreleases",scope="cluster",subresource="",verb="LIST",version="v2"} ${hr}`,
    `apiserver_request_total{code="200",component="apiserver",dry_run="",group="helm.toolkit.fluxcd.io",resource="helmreleases",scope="cluster",subresource="",verb="WATCH",version="v2"} ${watch}`,
    `apiserver_request_total{code="200",component="apiserver",dry_run="",group="coordination.k8s.io",resource="leases",scope="namespace",subresource="",verb="PUT",version="v1"} ${lease}`,
    `apiserver_request_total{code="200",component="",dry_run="",group="",resource="",scope="",subresource="",verb="GET",version=""} 7`,
    `apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="exec",verb="CONNECT",version="v1"} 1e+00`,
    'apiserver_request_duration_seconds_count{verb="LIST"} 9',
  ].join('\n');
  const parsed = parseRequestTotals(metrics(1, 1, 10));
  assert.deepEqual([...parsed], [['LIST helm.toolkit.fluxcd.io/helmreleases', 1], ['WATCH helm.toolkit.fluxcd.io/helmreleases', 1], ['PUT coordination.k8s.io/leases', 10], ['GET', 7], ['CONNECT pods/exec', 1]]);
  const background = runRequests(parseRequestTotals(metrics(1, 1, 10)), parseRequestTotals(metrics(1, 1, 14)));
  const run = runRequests(parseRequestTotals(metrics(1, 1, 14)), parseRequestTotals(metrics(2, 2, 18)), background);
  assert.deepEqual([...run], [['LIST helm.toolkit.fluxcd.io/helmreleases', 1], ['WATCH helm.toolkit.fluxcd.io/helmreleases', 1]], 'the leases the nodes renewed meanwhile are background');
  assert.deepEqual(economyOf(run).overBudget, []);
  const twice = runRequests(parseRequestTotals(metrics(1, 1, 10)), parseRequestTotals(metrics(3, 2, 10)));
  assert.deepEqual(economyOf(twice).overBudget, ['LIST helm.toolkit.fluxcd.io/helmreleases ×2']);
  assert.deepEqual(economyOf(twice).byVerb, { LIST: 2, WATCH: 1 });
  // The harness's own count says which over-budget lines are its own and which are a controller's, unseen by the idle window.
  const sentTwice = new Map([['LIST helmreleases.helm.toolkit.fluxcd.io', 2], ['WATCH helmreleases.helm.toolkit.fluxcd.io', 1]]);
  assert.deepEqual(economyOf(twice, sentTwice).overBudget, ['LIST helm.toolkit.fluxcd.io/helmreleases ×2']);
  const sentOnce = new Map([['LIST helmreleases.helm.toolkit.fluxcd.io', 1], ['WATCH helmreleases.helm.toolkit.fluxcd.io', 1]]);
  assert.deepEqual(economyOf(twice, sentOnce).overBudget, []);
  assert.deepEqual(economyOf(twice, sentOnce).background, ['LIST helm.toolkit.fluxcd.io/helmreleases ×2']);
});

test('walk overhead: the sweep span is first gate start to last gate end; the target grows from 3 s at 48 slots to 6 s at 480', () => {
  const g = (startedAt: string, finishedAt: string) => ({ startedAt, finishedAt }) as unknown as Gate;
  const summary = { gates: [g('2026-12-07T00:00:01.000Z', '2026-12-07T00:00:02.000Z'), g('2026-12-07T00:00:00.500Z', '2026-12-07T00:00:03.250Z')] } as unknown as Summary;
  assert.equal(sweepSpanMs(summary), 2750);
  assert.equal(WALK_OVERHEAD_TARGET_MS(48), 3000);
  assert.equal(WALK_OVERHEAD_TARGET_MS(480), 6000);
  assert.equal(WALK_OVERHEAD_TARGET_MS(264), 4500);
});
