/** Evidence files follow the DoD convention `t<NN>-<surface>-<YYYY-MM-DD>.<ext>` and are redacted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvidenceWriter, evidencePrefix } from '../src/evidence/writer.js';
import { solidPng } from './report-fixture.js';

const DOD_NAME = /^t\d{2,}-[A-Za-z0-9._-]+-\d{4}-\d{2}-\d{2}(-\d+)?\.(png|log|har|json)$/;

test('live evidence is named t<NN>-<surface>-<YYYY-MM-DD>.png|.log|.har, collisions get a counter', (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'sw-report-evidence-'));
  t.after(() => rmSync(runDir, { recursive: true, force: true }));
  const prefix = evidencePrefix('t38', 't38.omani.works');
  assert.equal(prefix, 't38');
  const ev = new EvidenceWriter(runDir, prefix, new Date('2026-11-22T23:59:59.000Z'));
  const png = ev.write({ surface: 'console', kind: 'screenshot', ext: 'png', content: solidPng(4, 4, [0, 0, 0]) });
  const log = ev.write({ surface: 'bp-cnpg', kind: 'log', ext: 'log', content: 'password=hunter2-xyz\n' });
  const har = ev.write({ surface: 'voucher redeem/flow', kind: 'har', ext: 'har', content: '{"log":{"entries":[]}}' });
  const again = ev.write({ surface: 'console', kind: 'screenshot', ext: 'png', content: solidPng(4, 4, [0, 0, 0]) });
  assert.deepEqual([png.name, log.name, har.name, again.name], [
    't38-console-2026-11-22.png',
    't38-bp-cnpg-2026-11-22.log',
    't38-voucher-redeem-flow-2026-11-22.har',
    't38-console-2026-11-22-2.png',
  ]);
  for (const e of [png, log, har, again]) {
    assert.match(e.name, DOD_NAME);
    assert.equal(e.path, `evidence/${e.name}`);
    assert.ok(existsSync(join(runDir, e.path)));
  }
  assert.deepEqual([png.contentType, log.contentType, har.contentType], ['image/png', 'text/plain', 'application/json']);
  assert.equal(readFileSync(join(runDir, log.path), 'utf8'), 'password=[REDACTED]\n');
  assert.deepEqual(readFileSync(join(runDir, png.path)), solidPng(4, 4, [0, 0, 0]), 'binary evidence is written unchanged');
});

test('non-live targets use the target name as prefix', () => {
  assert.equal(evidencePrefix('sim', 'sim.sovereign-walk.test'), 'sim');
  assert.equal(evidencePrefix('kind', 'kind.local'), 'kind');
  assert.equal(evidencePrefix('t7', 't7.omani.works'), 't7');
});
