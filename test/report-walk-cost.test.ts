/**
 * The walk's own cost: each suite's judging and reporting time as the walk measures it (a judge's
 * span, beside the walk's own reporting), the API request counts
 * in summary.json, and the "Cost of this walk" section of index.html and summary.md. A figure that
 * was not measured, or a count that is partial, says so; a region with no request shows its 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RegionApiRequests, Summary } from '../src/gates/types.js';
import { writeApiRequests } from '../src/gates/recorder.js';
import { judgeOnce, readJudgingSpan } from '../src/walk/judge-once.js';
import { suiteTimings } from '../src/walk/suite-timings.js';
import { buildSummary } from '../src/report/write-reports.js';
import { renderHtml } from '../src/report/html.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { TARGET, writePassingRun } from './report-fixture.js';
import { tempDir } from './helpers/temp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('judging: the judge span of a suite judged in the walk; reporting: the writing of its reports after it', async () => {
  const runDir = tempDir('sw-timings-');
  await judgeOnce(runDir, 'readiness', async () => (await sleep(60), []));
  await judgeOnce(runDir, 'journeys', async () => (await sleep(40), []));

  const readiness = suiteTimings(runDir, 'readiness', 120);
  assert.ok(readiness.judgingMs! >= 60 && readiness.judgingMs! < 2_000, `judging ${readiness.judgingMs}`);
  assert.equal(readiness.reportingMs, 120, 'the walk reports what it judged after judging it');
  const journeys = suiteTimings(runDir, 'journeys', 300);
  assert.ok(journeys.judgingMs! >= 40 && journeys.judgingMs! < 2_000, `judging ${journeys.judgingMs}`);
  assert.equal(journeys.reportingMs, 300, 'the browser journeys are judged and reported in the walk like every suite');

  // A judge that never returned (stopped, timed out): nothing invented.
  assert.deepEqual(suiteTimings(runDir, 'cutover', undefined), {});
  assert.deepEqual(suiteTimings(runDir, 'dod', undefined), {});
});

test('a judge that throws still leaves its span: the time it spent judging was spent', async () => {
  const runDir = tempDir('sw-timings-throw-');
  await assert.rejects(judgeOnce(runDir, 'cutover', async () => {
    await sleep(20);
    throw new Error('API unreachable');
  }));
  const span = readJudgingSpan(runDir, 'cutover');
  assert.ok(span && Date.parse(span.finishedAt) - Date.parse(span.startedAt) >= 20);
});

const FSN: RegionApiRequests = {
  region: 'hz-fsn-rtz-prod',
  total: 0,
  requests: [
    { verb: 'LIST', resource: 'secrets', count: 4 },
    { verb: 'WATCH', resource: 'helmreleases.helm.toolkit.fluxcd.io', count: 2 },
    { verb: 'GET', resource: '/version', count: 3 },
    { verb: 'LIST', resource: 'pods', count: 9 },
    { verb: 'CONNECT', resource: 'pods/exec', count: 1 },
    { verb: 'POST', resource: 'serviceaccounts/token', count: 1 },
    { verb: 'GET', resource: 'nodes', count: 1 },
  ],
};

function costRun(opts: { counts?: boolean; final?: boolean } = {}): Summary {
  const runDir = tempDir('sw-cost-');
  const input = writePassingRun(runDir);
  if (opts.counts ?? true) writeApiRequests(runDir, [FSN], opts.final ?? true);
  input.target = { ...TARGET, regions: [...TARGET.regions, { name: 'hz-hel-rtz-prod', role: 'secondary', kubeconfigPath: '/nonexistent/kubeconfig' }] };
  input.suites = [
    { ...input.suites[0], timings: { judgingMs: 62_000, reportingMs: 5_200 } },
    { ...input.suites[1], timings: { judgingMs: 12_300, reportingMs: 8_100 } },
    // failover was stopped before its judge returned, so it was never reported.
    { ...input.suites[2], timings: {} },
  ];
  return buildSummary(input);
}

test('summary.json: timings per suite and the API requests of every region, summed, most sent first; secret-looking resources keep their counts', () => {
  const s = costRun();
  assert.deepEqual(s.suites.map((x) => x.timings), [{ judgingMs: 62_000, reportingMs: 5_200 }, { judgingMs: 12_300, reportingMs: 8_100 }, {}]);
  const [fsn, hel] = s.apiRequests!;
  assert.equal(fsn.region, 'hz-fsn-rtz-prod');
  assert.equal(fsn.total, 21);
  assert.deepEqual(fsn.requests.slice(0, 3).map((l) => `${l.verb} ${l.resource} ${l.count}`), ['LIST pods 9', 'LIST secrets 4', 'GET /version 3']);
  assert.deepEqual(fsn.requests.find((l) => l.resource === 'serviceaccounts/token'), { verb: 'POST', resource: 'serviceaccounts/token', count: 1 }, 'not masked by the redaction of secret-looking keys');
  assert.deepEqual(hel, { region: 'hz-hel-rtz-prod', total: 0, requests: [] }, 'a region of the target the walk sent nothing to is listed with 0');
  assert.equal(s.apiRequestsPartial, undefined);
});

test('index.html: "Cost of this walk" shows each suite\'s judging and reporting and each region\'s requests; what was not measured says so', () => {
  const s = costRun();
  const html = renderHtml(s, { timelines: [] }, []);
  const section = html.slice(html.indexOf('<section class="card" id="cost">'), html.indexOf('</section>', html.indexOf('id="cost"')));
  assert.ok(section.includes('Cost of this walk'), 'the section is there');
  assert.ok(html.includes('<a href="#cost">Cost</a>'), 'and in the navigation');
  assert.match(section, /<b>readiness<\/b><\/td><td class="num">1m02s<\/td><td class="num">5\.2s<\/td>/);
  assert.match(section, /<b>dod<\/b><\/td><td class="num">12\.3s<\/td><td class="num">8\.1s<\/td>/);
  assert.match(section, /<b>failover<\/b><\/td><td class="num z">not measured<\/td><td class="num z">not measured<\/td>/, 'never 0 for what was not measured');
  assert.match(section, /<tr data-region="hz-fsn-rtz-prod"><td><b>hz-fsn-rtz-prod<\/b><\/td><td class="num">21<\/td>/);
  assert.match(section, /LIST pods<\/span> 9 · <span class="mono">LIST secrets<\/span> 4/);
  assert.match(section, /· 2 more <details class="requests"><summary>\(all 7\)<\/summary>/, 'the lines beyond the top five fold away');
  assert.match(section, /<tr data-region="hz-hel-rtz-prod"><td><b>hz-hel-rtz-prod<\/b><\/td><td class="num">0<\/td><td>none<\/td>/, 'a region with no request shows 0');
  assert.doesNotMatch(section, /data-testid="cost-note"/, 'whole counts carry no note');
});

test('index.html and summary.md say when the counts are missing or partial, instead of showing a number', () => {
  const none = costRun({ counts: false });
  assert.equal(none.apiRequests, undefined);
  const html = renderHtml(none, { timelines: [] }, []);
  assert.match(html, /data-testid="cost-note">API requests were not recorded by this walk\.</);
  assert.doesNotMatch(html, /data-testid="cost-api"/);
  assert.match(renderMarkdown(none, []), /> ℹ️ API requests were not recorded by this walk\n/);
  assert.doesNotMatch(renderMarkdown(none, []), /^API requests:/m);

  const partial = costRun({ final: false });
  assert.deepEqual(partial.apiRequestsPartial, { processes: 1 });
  const note = '1 process of this walk ended before recording its final API request counts: the counts are a lower bound';
  assert.ok(renderHtml(partial, { timelines: [] }, []).includes(`data-testid="cost-note">${note}.`));
  assert.ok(renderMarkdown(partial, []).includes(`> ℹ️ ${note}`));
});

test('summary.md: a small table of judging and reporting per suite, one line of requests per region with its three most sent', () => {
  const md = renderMarkdown(costRun(), ['index.html']);
  const cost = md.slice(md.indexOf('## Cost of this walk'), md.indexOf('Reports:'));
  assert.ok(md.indexOf('## Suites') < md.indexOf('## Cost of this walk'), 'after the suites');
  assert.ok(cost.includes('| Suite | Judging | Reporting |'));
  assert.ok(cost.includes('| readiness | 1m02s | 5.2s |'));
  assert.ok(cost.includes('| failover | not measured | not measured |'));
  assert.ok(cost.includes('API requests: **hz-fsn-rtz-prod** 21 (`LIST pods` 9 · `LIST secrets` 4 · `GET /version` 3 · 4 more) · **hz-hel-rtz-prod** 0\n'), cost);
});

test('a summary.json from before every suite was judged in the walk (timings saying `judgedIn`) still renders its costs', () => {
  const s = costRun();
  const old = { ...s, suites: s.suites.map((x, i) => ({ ...x, timings: { ...x.timings, judgedIn: i === 1 ? 'worker' : 'walk' } })) } as Summary;
  const md = renderMarkdown(old, []);
  assert.ok(md.includes('| readiness | 1m02s | 5.2s |'), md);
  assert.match(renderHtml(old, { timelines: [] }, []), /<b>dod<\/b><\/td><td class="num">12\.3s<\/td><td class="num">8\.1s<\/td>/);
});
