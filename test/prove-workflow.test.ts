/**
 * The release sign-off carries the proof: a `prove` job beside the walks (same run, same commit)
 * on Debian with the embedded Sovereign set up, its matrix in the job summary and an artifact; the
 * sign-off needs it, quotes its proof.md and refuses without a passing proof.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkflow, type Step } from './helpers/workflows.js';
import { tempDir } from './helpers/temp.js';

const signoff = loadWorkflow('release-signoff.yml');
const prove = signoff.jobs.prove;
const steps = prove.steps ?? [];
const at = (pred: (s: Step) => boolean) => steps.findIndex(pred);

test('the prove job: Debian with NET_ADMIN, Node 20, Go, the cached control plane, set-up, then npm run prove', () => {
  const container = typeof prove.container === 'object' ? prove.container : undefined;
  assert.equal(container?.image, 'debian:bookworm');
  assert.match(container?.options ?? '', /--cap-add NET_ADMIN/);
  assert.equal(prove.needs, undefined, 'beside the walks, in the same run: the same commit');
  assert.equal(prove.environment, undefined, 'the embedded Sovereign needs no secret');
  const node = at((s) => s.uses === 'actions/setup-node@v4');
  const go = at((s) => s.uses === 'actions/setup-go@v5');
  const cache = at((s) => s.uses === 'actions/cache@v4');
  const setup = at((s) => s.run?.trim() === 'bash scripts/setup.sh');
  const run = at((s) => s.run?.trim() === 'npm run prove -- --report-dir reports/proof');
  assert.equal(steps[node].with?.['node-version'], '20');
  assert.ok(node >= 0 && go >= 0 && cache >= 0 && node < setup && go < setup && cache < setup && setup < run, 'tools and the cached binaries before the set-up, the set-up before the proof');
  assert.equal(steps[cache].with?.path, '~/.cache/sovereign-walk/bin');
  assert.match(String(steps[cache].with?.key), /hashFiles\('sim\/controlplane\/components\.json'/);
  const post = steps.slice(run + 1);
  assert.ok(post.some((s) => s.if === 'always()' && /proof\.md/.test(s.run ?? '') && /GITHUB_STEP_SUMMARY/.test(s.run ?? '')), 'the matrix in the job summary, even when the proof fails');
  assert.ok(post.some((s) => s.if === 'always()' && s.uses === 'actions/upload-artifact@v4' && s.with?.name === 'proof' && s.with?.path === 'reports/proof'));
});

test('the sign-off needs the proof, quotes its proof.md, and refuses without a passing proof', () => {
  const final = signoff.jobs.signoff;
  assert.ok(final.needs?.includes('prove'));
  const fsteps = final.steps ?? [];
  const download = fsteps.findIndex((s) => s.uses === 'actions/download-artifact@v4' && s.with?.name === 'proof');
  const summaryAt = fsteps.findIndex((s) => s.name === 'Sign-off summary');
  assert.ok(download >= 0 && download < summaryAt);
  const step = fsteps[summaryAt];
  assert.equal(step.env?.PROVE, '${{ needs.prove.result }}');
  const run = step.run ?? '';
  for (const [prove, code] of [['success', 0], ['failure', 1], ['cancelled', 1], ['', 1]] as const) {
    const dir = tempDir('sw-signoff-');
    mkdirSync(join(dir, 'proof', 'prove', 'p1'), { recursive: true });
    writeFileSync(join(dir, 'proof', 'prove', 'p1', 'proof.md'), '## Proof of sovereign-walk 0.1.0\n');
    const summary = join(dir, 'summary.md');
    const r = spawnSync('bash', ['-c', run], { cwd: dir, env: { PATH: process.env.PATH ?? '', SOV: 't38', WALK_1: 'success', WALK_2: 'success', HISTORY: 'signed-off', PROVE: prove, GITHUB_STEP_SUMMARY: summary }, encoding: 'utf8' });
    assert.equal(r.status, code, `proof ${prove || '(none)'}: ${r.stderr}`);
    const text = readFileSync(summary, 'utf8');
    assert.match(text, /\| proof of the gates \| /);
    assert.match(text, /## Proof of sovereign-walk 0\.1\.0/, 'the matrix is attached');
    assert.match(text, code === 0 ? /\*\*SIGNED OFF\*\*/ : /\*\*NOT SIGNED OFF\*\*.*proof: /);
  }
});
