/**
 * One real proof over a small kit, with the readiness judge of bp-sealed-secrets monkey-patched
 * into the walks to always pass (test/prove-weaken-judge.mjs): the compiled `prove` walks the
 * embedded Sovereign healthy and under hr-stuck:bp-sealed-secrets, exits 1 and names that gate
 * as missed; the proof's reports and the walks' own reports are in its folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers/cli.js';
import { kitFileOf } from './helpers/kits.js';
import type { Proof } from '../src/prove/proof.js';
import { tempDir } from './helpers/temp.js';

const PROVE_MS = 25 * 60_000;

function prove(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli/prove.js'), ...args], { cwd: ROOT, env: { ...process.env, CI: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`prove timed out\n${stderr.slice(-3000)}`));
    }, PROVE_MS - 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('a judge weakened to always pass makes a real proof exit 1, naming the gate as missed', { timeout: PROVE_MS }, async (t) => {
  const reportDir = tempDir('sw-prove-real-');
  t.after(() => rmSync(reportDir, { recursive: true, force: true }));
  const kit = kitFileOf(['bp-cilium', 'bp-cert-manager', 'bp-sealed-secrets']);
  const r = await prove(['--kit', kit, '--suite', 'readiness', '--fault', 'hr-stuck:bp-sealed-secrets', '--slot-deadline', '45s', '--report-dir', reportDir], {
    NODE_OPTIONS: `--import=${pathToFileURL(join(ROOT, 'test/prove-weaken-judge.mjs')).href}`,
    SW_WEAKEN_SLOT: 'bp-sealed-secrets',
  });
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr.slice(-3000)}`);
  assert.match(r.stdout, /MISSED readiness\/05-bp-sealed-secrets under hr-stuck:bp-sealed-secrets: expected failed \/ServiceMonitor[^/]*\/, judged passed — weakened: this judge always passes/);
  assert.match(r.stdout, /❌ NOT PROVEN — 1 missed, 0 collateral/);

  const [id] = readdirSync(join(reportDir, 'prove'));
  const dir = join(reportDir, 'prove', id);
  const proof = JSON.parse(readFileSync(join(dir, 'proof.json'), 'utf8')) as Proof;
  assert.deepEqual(proof.walks.map((w) => [w.id, w.exitCode, w.faults]), [['healthy', 0, []], ['walk-1', 0, ['hr-stuck:bp-sealed-secrets']]], 'the weakened walk itself is green');
  assert.deepEqual(proof.gates.map((g) => g.id), ['readiness/01-bp-cilium', 'readiness/02-bp-cert-manager', 'readiness/05-bp-sealed-secrets']);
  assert.deepEqual(proof.gates.filter((g) => g.unproven).map((g) => g.id), proof.gates.map((g) => g.id), 'nothing else in this selection turns a gate red');
  assert.deepEqual(proof.cells.map((c) => [c.fault, c.gate, c.mark]), [['hr-stuck:bp-sealed-secrets', 'readiness/05-bp-sealed-secrets', 'missed']]);
  for (const f of ['index.html', 'proof.md']) assert.ok(existsSync(join(dir, f)), f);
  for (const w of proof.walks) assert.ok(existsSync(join(dir, w.runDir!, 'index.html')), `${w.id}'s own report`);
});
