/**
 * End to end through the CLI, on one walk of the embedded Sovereign (the DoD's small kit; the
 * readiness suite first, which waits for the kit to install): `--dod-hosts` replaces the L5 table
 * and two DoD faults are injected; the walk exits 1 and summary.json holds every check as a gate,
 * exactly the faulted ones and the host the table expects otherwise failed; the secrets seeded into
 * the Sovereign (the harness's API token, the deployment record's token) reach neither the terminal
 * nor any file of the failing run's report folder. A bad table is refused before anything starts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Gate, Summary } from '../src/gates/types.js';
import { runDirOf, walk, type WalkResult } from './helpers/walk.js';
import { DOD_SLOTS, kitFileOf } from './helpers/kits.js';

/** A world start and the small kit's install on a busy machine, then both suites. */
const WALK_MS = 9 * 60_000;
const PRIMARY = 'hz-fsn-rtz-prod';
const SOV = 'sim.sovereign-walk.test';
/** console is expected to answer 404 (it answers 200), api and pdns as usual; gitea and the rest are not probed. */
const TABLE = [
  { host: 'console', path: '/', expect: [404] },
  { host: 'api', path: '/healthz', expect: [200] },
  { host: 'pdns', path: '/api/v1/servers', expect: [401], authWall: true },
];

const API_TOKEN = 'seededApiToken7Qx2Lm9';
const RECORD_TOKEN = 'seededRecordToken4Vb8Kp1';

const dir = mkdtempSync(join(tmpdir(), 'dod-cli-'));

function files(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}
after(() => rmSync(dir, { recursive: true, force: true }));

test('a bad --dod-hosts table exits 2 with one line, before anything starts', async () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify([{ host: 'registry', path: '/v2/', expect: [401] }]));
  const started = Date.now();
  const refused = await walk(['--suite', 'dod', '--dod-hosts', bad], { timeoutMs: 60_000, reportDir: dir });
  assert.equal(refused.code, 2, refused.stderr);
  assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
  assert.match(refused.stderr, /^walk: HTTPS host table .*bad\.json: registry expects 401 but is not declared authWall$/m);
  assert.ok(Date.now() - started < 30_000, `refused after ${Date.now() - started} ms: no world was started`);
});

describe('one walk: readiness then dod, --dod-hosts and two DoD faults', () => {
  let r: WalkResult;
  let summary: Summary;
  let dod: Gate[];

  before(async () => {
    const table = join(dir, 'hosts.json');
    writeFileSync(table, JSON.stringify(TABLE));
    // host-502:pdns breaks a host no readiness surface probes (bp-powerdns' surface is its rollout), so readiness passes whole.
    r = await walk(['--suite', 'readiness,dod', '--kit', kitFileOf(DOD_SLOTS), '--settle', '2s', '--dod-hosts', table, '--sim-fault', 'host-502:pdns', '--sim-fault', 'kubectl-patch:kube-system/coredns', '--json'], { timeoutMs: WALK_MS, reportDir: dir, env: { SW_SIM_API_TOKEN: API_TOKEN, SW_SIM_RECORD_TOKEN: RECORD_TOKEN } });
    assert.ok(r.summary, `no summary.json on stdout (exit ${r.code}): ${r.stderr.slice(-3000)}`);
    summary = r.summary;
    dod = summary.gates.filter((g) => g.suite === 'dod');
  }, { timeout: WALK_MS + 30_000 });

  test('walk --suite readiness,dod with host-502 and kubectl-patch: exit 1, every check a gate, exactly the faulted ones (and the table\'s console) failed', () => {
    assert.equal(r.code, 1, r.stderr.slice(-2000));
    assert.equal(summary.verdict, 'fail');
    assert.deepEqual(summary.gates.filter((g) => g.suite === 'readiness' && g.status !== 'passed').map((g) => `${g.id}: ${g.reason}`), [], 'readiness passes: the faults touch no readiness surface');
    const slots = DOD_SLOTS.length;
    assert.equal(dod.length, 5 + 2 * 2 + 2 * (slots + 2) + 8 + (TABLE.length + 1) + 2 * 2 + 8 + (2 + 2), 'L1 5, L2 2/region, L3 slots+2/region, L4 8, L5 table+tls, L6 2/region, L7 8, H 2+1/region');
    const failed = dod.filter((g) => g.status !== 'passed');
    assert.deepEqual(failed.map((g) => [g.id, g.status]).sort(), [
      ['dod/L5.console', 'failed'],
      ['dod/L5.pdns', 'failed'],
      [`dod/L6.${PRIMARY}.managers`, 'failed'],
    ], failed.map((g) => `${g.id}: ${g.reason}`).join('\n'));
    assert.match(failed.find((g) => g.id === 'dod/L5.pdns')!.reason, new RegExp(`GET https://pdns\\.${SOV.replace(/\./g, '\\.')}/api/v1/servers: server error 502, expected 401`));
    assert.match(failed.find((g) => g.id === `dod/L6.${PRIMARY}.managers`)!.reason, /Deployment kube-system\/coredns: manager kubectl-patch/);
    assert.ok(dod.every((g) => /^L[1-7]\.\d+$|^H\.\d+$/.test(g.labels.dodGate ?? '')), 'every gate carries its layer id');
    assert.match(r.stderr, /dod\/L5\.\d+ https:\/\/api\.sim\.sovereign-walk\.test\/healthz → 200/);
  });

  test('--dod-hosts replaces the L5 table: a host expected to answer 404 fails on its 200, a host outside the table is not probed', () => {
    const l5 = dod.filter((g) => g.labels.dodGate?.startsWith('L5.'));
    const status = new Map(l5.map((g) => [g.id, g.status]));
    assert.equal(status.get('dod/L5.console'), 'failed');
    assert.match(l5.find((g) => g.id === 'dod/L5.console')!.reason, /: 200, expected 404$/);
    assert.equal(status.get('dod/L5.api'), 'passed');
    assert.equal(status.get('dod/L5.tls'), 'passed');
    assert.deepEqual([...status.keys()].sort(), ['dod/L5.api', 'dod/L5.console', 'dod/L5.pdns', 'dod/L5.tls'], 'only the table\'s hosts (gitea, auth … not probed)');
  });

  test('summary.json carries the walk\'s own cost: judging and reporting per suite, API requests of the walk per region', () => {
    const timings = Object.fromEntries(summary.suites.map((s) => [s.name, s.timings]));
    for (const [name, t] of Object.entries(timings)) {
      assert.deepEqual(Object.keys(t ?? {}).sort(), ['judgingMs', 'reportingMs'], `${name}: judged and reported in the walk, both measured`);
      assert.ok(t?.judgingMs && t.judgingMs > 0, `${name} judging: ${JSON.stringify(t)}`);
      assert.ok(t?.reportingMs && t.reportingMs > 0, `${name} reporting: ${JSON.stringify(t)}`);
    }
    assert.deepEqual(summary.apiRequests?.map((r) => r.region), [PRIMARY, 'hz-hel-rtz-prod']);
    for (const r of summary.apiRequests ?? []) {
      assert.ok(r.total > 0, `${r.region}: ${r.total} requests`);
      assert.equal(r.total, r.requests.reduce((n, l) => n + l.count, 0));
    }
    assert.equal(summary.apiRequestsPartial, undefined, 'every process wrote its final counts');
    const processes = readdirSync(join(runDirOf(summary, r.reportDir), 'api-requests'));
    assert.equal(processes.length, 1, `the walk judged both suites, so it alone sent requests: ${processes.join(', ')}`);
  });

  test('seeded secrets never reach the report folder or the terminal', () => {
    const all = files(runDirOf(summary, r.reportDir));
    assert.ok(all.length > 50, `the run wrote ${all.length} files`);
    for (const secret of [API_TOKEN, RECORD_TOKEN]) {
      assert.ok(!r.stdout.includes(secret), 'stdout');
      assert.ok(!r.stderr.includes(secret), 'stderr');
      for (const f of all) assert.ok(!readFileSync(f).includes(secret), `${f} holds a seeded secret`);
    }
  });
});
