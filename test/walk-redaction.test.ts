import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { walk, runDirOf } from './helpers/walk.js';
import { DOD_SLOTS, kitFileOf } from './helpers/kits.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

test('seeded secrets never reach the report folder or the terminal', { timeout: 13 * 60_000 }, async () => {
  const apiToken = 'seededApiToken7Qx2Lm9';
  const recordToken = 'seededRecordToken4Vb8Kp1';
  // A failing run produces the most evidence: HTTP exchanges, objects, reasons.
  const r = await walk(['--suite', 'readiness,dod', '--json', '--kit', kitFileOf(DOD_SLOTS), '--slot-deadline', '60s', '--sim-fault', 'host-502:gitea', '--sim-fault', 'surface-down:bp-openbao'], {
    env: { SW_SIM_API_TOKEN: apiToken, SW_SIM_RECORD_TOKEN: recordToken },
    timeoutMs: 12 * 60_000,
  });
  assert.equal(r.code, 1, r.stderr.slice(-1500));
  const runDir = runDirOf(r.summary!, r.reportDir);
  const all = files(runDir);
  assert.ok(all.length > 50, `the run wrote ${all.length} files`);
  for (const secret of [apiToken, recordToken]) {
    assert.ok(!r.stdout.includes(secret), 'stdout');
    assert.ok(!r.stderr.includes(secret), 'stderr');
    for (const f of all) assert.ok(!readFileSync(f).includes(secret), `${f} holds a seeded secret`);
  }
});
