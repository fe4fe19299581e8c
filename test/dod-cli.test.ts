/**
 * End to end through the CLI: `walk --suite dod` on the simulated Sovereign with two DoD
 * faults exits 1 and summary.json holds every check as a gate, exactly the two faulted ones failed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Summary } from '../src/gates/types.js';
import { walk as walkCli } from './helpers/walk.js';

const walk = (args: string[], reportDir: string) => walkCli(args, { timeoutMs: 110_000, reportDir });

test('walk --suite dod with host-502 and kubectl-patch: exit 1, exactly those two gates failed', { timeout: 115_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dod-cli-'));
  try {
    const r = await walk(['--suite', 'dod', '--sim-fault', 'host-502:gitea', '--sim-fault', 'kubectl-patch:kube-system/coredns', '--json'], dir);
    assert.equal(r.code, 1, r.stderr.slice(-2000));
    const summary = JSON.parse(r.stdout) as Summary;
    const dod = summary.gates.filter((g) => g.suite === 'dod');
    assert.equal(dod.length, 142);
    const failed = dod.filter((g) => g.status !== 'passed');
    assert.deepEqual(failed.map((g) => [g.id, g.status]).sort(), [
      ['dod/L5.gitea', 'failed'],
      ['dod/L6.hz-fsn-rtz-prod.managers', 'failed'],
    ]);
    assert.match(failed.find((g) => g.id === 'dod/L5.gitea')!.reason, /502/);
    assert.match(failed.find((g) => g.id === 'dod/L6.hz-fsn-rtz-prod.managers')!.reason, /Deployment kube-system\/coredns: manager kubectl-patch/);
    assert.ok(dod.every((g) => /^L[1-7]\.\d+$|^H\.\d+$/.test(g.labels.dodGate ?? '')), 'every gate carries its layer id');
    assert.match(r.stderr, /dod\/L5\.\d+ https:\/\/gitea\.sim\.sovereign-walk\.test\/ → 200/);
    assert.equal(summary.verdict, 'fail');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--dod-hosts replaces the L5 table: a host expected to answer 404 fails on its 200; a bad table exits 2', { timeout: 115_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dod-hosts-'));
  try {
    const table = join(dir, 'hosts.json');
    writeFileSync(table, JSON.stringify([{ host: 'console', path: '/', expect: [404] }, { host: 'api', path: '/healthz', expect: [200] }]));
    const r = await walk(['--suite', 'dod', '--dod-hosts', table, '--json'], dir);
    assert.equal(r.code, 1, r.stderr.slice(-2000));
    const l5 = (JSON.parse(r.stdout) as Summary).gates.filter((g) => g.labels.dodGate?.startsWith('L5.'));
    const status = new Map(l5.map((g) => [g.id, g.status]));
    assert.equal(status.get('dod/L5.console'), 'failed');
    assert.equal(status.get('dod/L5.api'), 'passed');
    assert.ok(!status.has('dod/L5.gitea'), 'a host outside the table is not probed');
    assert.match(l5.find((g) => g.id === 'dod/L5.console')!.reason, /200/);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ host: 'registry', path: '/v2/', expect: [401] }]));
    const refused = await walk(['--suite', 'dod', '--dod-hosts', bad], dir);
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, /^walk: HTTPS host table .*bad\.json: registry expects 401 but is not declared authWall$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
