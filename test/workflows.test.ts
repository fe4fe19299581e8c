import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KIND_VERSIONS } from '../src/kind/versions.js';
import { loadWorkflow, workflowText, type Job, type Step, type Workflow } from './helpers/workflows.js';

type Json = Record<string, unknown>;
const text = workflowText;
const load = loadWorkflow;
const nightly = load('nightly-walk.yml');
const signoff = load('release-signoff.yml');
const walk = load('walk.yml');
const FILES = ['nightly-walk.yml', 'release-signoff.yml', 'walk.yml'];
const SECRETS = ['KUBECONFIG_FSN', 'KUBECONFIG_HEL', 'MAIL_IMAP_PASSWORD', 'OPERATOR_TEST_SESSION_TOKEN', 'MOTHERSHIP_TOKEN', 'HCLOUD_TOKEN'];
const needsOf = (job: Job) => (Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : []);
const stepsUsing = (job: Job, action: string) => (job.steps ?? []).filter((s) => s.uses?.startsWith(`${action}@`));

function allSteps(wf: Workflow): Step[] {
  return Object.values(wf.jobs).flatMap((j) => j.steps ?? []);
}

/** Every string in the document with the path that leads to it. */
function strings(value: unknown, path: string[] = []): { path: string[]; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...path, String(i)]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => strings(v, [...path, k]));
  return [];
}

test('nightly: scheduled and dispatchable, read-only token', () => {
  const on = nightly.on as { schedule?: { cron: string }[]; workflow_dispatch?: { inputs?: Json } };
  assert.match(on.schedule?.[0]?.cron ?? '', /^\S+ \S+ \* \* \*$/, 'a daily schedule');
  assert.deepEqual(Object.keys(on.workflow_dispatch?.inputs ?? {}).sort(), ['chaos', 'kind', 'sovereigns']);
  for (const wf of [nightly, signoff, walk]) assert.deepEqual(wf.permissions, { contents: 'read' });
});

test('nightly: a matrix over the Sovereign list for every live job, one journeys job per Sovereign', () => {
  const matrixSource = "${{ fromJSON(inputs.sovereigns || vars.NIGHTLY_SOVEREIGNS || '[\"t38\",\"t40\"]') }}";
  for (const id of ['core', 'journeys', 'chaos']) {
    const job = nightly.jobs[id];
    assert.equal(job.uses, './.github/workflows/walk.yml', `${id} walks through the reusable workflow`);
    assert.equal(job.strategy?.matrix?.sov, matrixSource, `${id}: matrix over the Sovereigns`);
    assert.equal(job.strategy?.['fail-fast'], false, `${id}: one Sovereign failing does not cancel the others`);
    assert.equal(job.with?.sov, '${{ matrix.sov }}');
    assert.equal(job.secrets, 'inherit');
  }
  assert.deepEqual(Object.keys(nightly.jobs.journeys.strategy?.matrix ?? {}), ['sov'], 'the journeys are not split: one job per Sovereign');
  assert.equal(nightly.jobs.journeys.with?.artifact, 'nightly-${{ matrix.sov }}-journeys');
  assert.equal(nightly.jobs.journeys.with?.suites, 'journeys');
  const suites = ['core', 'journeys', 'chaos'].flatMap((id) => String(nightly.jobs[id].with?.suites).split(','));
  assert.deepEqual(suites.sort(), ['cutover', 'dod', 'failover', 'journeys', 'readiness'], 'every suite is walked exactly once');
});

test('nightly: chaos runs last and only with --allow-chaos; the others never get it', () => {
  const chaos = nightly.jobs.chaos;
  assert.deepEqual(needsOf(chaos).sort(), ['core', 'journeys']);
  assert.match(chaos.if ?? '', /!cancelled\(\)/);
  assert.equal(chaos.with?.['allow-chaos'], true);
  assert.equal(nightly.jobs.core.with?.['allow-chaos'], undefined);
  assert.equal(nightly.jobs.journeys.with?.['allow-chaos'], undefined);
});

test('nightly: the kind job brings the kind Sovereign up, walks it, always tears it down', () => {
  const kind = nightly.jobs.kind;
  assert.equal(kind.container, undefined, 'kind needs the host Docker engine');
  const runs = (kind.steps ?? []).map((s) => s.run ?? '');
  const at = (needle: string) => runs.findIndex((r) => r.includes(needle));
  const ci = runs.findIndex((r) => r.trim() === 'npm ci');
  const up = runs.findIndex((r) => r.trim() === 'npm run kind:up');
  const walkStep = at('npm run walk -- --target kind');
  const down = at('npm run kind:down');
  assert.ok(ci >= 0 && ci < up && up < walkStep && walkStep < down, 'npm ci → up → walk → down');
  assert.match(runs[walkStep], /--kit fixtures\/kind\/kit-kind\.json/);
  assert.match(runs[walkStep], /--report-dir reports\/kind/);
  assert.equal(kind.steps?.[down].if, 'always()');
  const installKind = stepsUsing(kind, 'helm/kind-action')[0];
  assert.equal(installKind?.with?.version, KIND_VERSIONS.kind, 'CI installs the kind release the node image is pinned for');
  assert.ok(stepsUsing(kind, 'actions/setup-node').some((s) => s.with?.['node-version'] === '20'));
  assert.ok(stepsUsing(kind, 'actions/upload-artifact').some((s) => s.if === 'always()'));
  assert.ok(runs.some((r) => r.includes('GITHUB_STEP_SUMMARY') && r.includes('summary.md')));
});

test('walk.yml: Node 20, Debian packages, npm ci, kubeconfigs from secrets, the walk, summary and artifacts even on failure', () => {
  const on = walk.on as { workflow_call?: { inputs?: Record<string, { required?: boolean }> } };
  assert.deepEqual(Object.keys(on.workflow_call?.inputs ?? {}).sort(), ['allow-chaos', 'artifact', 'sov', 'suites']);
  const job = walk.jobs.walk;
  assert.equal(job.environment, '${{ inputs.sov }}', 'secrets come from the environment named like the Sovereign');
  const steps = job.steps ?? [];
  const index = (pred: (s: Step) => boolean, what: string) => {
    const i = steps.findIndex(pred);
    assert.ok(i >= 0, what);
    return i;
  };
  const apt = index((s) => /apt-get install -y .*chromium.*nats-server.*postgresql/.test(s.run ?? ''), 'installs chromium, nats-server, postgresql');
  const node = index((s) => s.uses === 'actions/setup-node@v4' && s.with?.['node-version'] === '20', 'sets up Node 20');
  const ci = index((s) => s.run?.trim() === 'npm ci', 'npm ci');
  const kube = index((s) => (s.run ?? '').includes('umask 077') && (s.run ?? '').includes('KUBECONFIG_FSN'), 'writes kubeconfigs privately');
  const run = index((s) => (s.run ?? '').includes('npm run walk -- "${args[@]}"'), 'runs the walk');
  const summary = index((s) => (s.run ?? '').includes('>> "$GITHUB_STEP_SUMMARY"') && (s.run ?? '').includes('summary.md'), 'posts summary.md');
  const upload = index((s) => s.uses === 'actions/upload-artifact@v4', 'uploads the report');
  assert.ok(apt < ci && node < ci && ci < run && kube < run && run < summary && run < upload);
  assert.equal(steps[summary].if, 'always()');
  assert.equal(steps[upload].if, 'always()');
  assert.equal(steps[upload].with?.path, 'reports/${{ inputs.artifact }}');
  const script = steps[run].run ?? '';
  for (const flag of ['--sov "$SOV"', '--suite "$SUITES"', '--report-dir "reports/$ARTIFACT"', '--kubeconfig "hz-fsn-rtz-prod=', '--kubeconfig "hz-hel-rtz-prod=', '--allow-chaos']) {
    assert.ok(script.includes(flag), `the walk gets ${flag}`);
  }
  assert.deepEqual(
    Object.keys(steps[run].env ?? {}).filter((k) => /^SW_|HCLOUD/.test(k)).sort(),
    ['HCLOUD_TOKEN', 'SW_HCLOUD_LABEL_SELECTOR', 'SW_HISTORY_DIR', 'SW_IMAP_HOST', 'SW_IMAP_PASSWORD', 'SW_IMAP_PORT', 'SW_IMAP_USER', 'SW_MOTHERSHIP_TOKEN', 'SW_OPERATOR_SESSION_TOKEN'],
  );
  assert.equal(steps[run].env?.SW_HCLOUD_LABEL_SELECTOR, '${{ vars.SW_HCLOUD_LABEL_SELECTOR }}', 'the hcloud kill is scoped by a selector the Sovereign\'s environment names');
});

const HISTORY_KEY = (sov: string) => `walk-history-\${{ ${sov} }}-\${{ github.run_id }}-\${{ github.run_attempt }}`;
const HISTORY_PREFIX = (sov: string) => `walk-history-\${{ ${sov} }}-`;

test('walk.yml: the walk is compared with the restored walk history of its Sovereign, kept out of the uploaded run folder', () => {
  const steps = walk.jobs.walk.steps ?? [];
  const restore = steps.findIndex((s) => s.uses === 'actions/cache/restore@v4');
  const run = steps.findIndex((s) => (s.run ?? '').includes('npm run walk -- "${args[@]}"'));
  assert.ok(restore >= 0 && restore < run, 'the history is restored before the walk');
  assert.deepEqual(steps[restore].with, { path: 'reports/history', key: HISTORY_KEY('inputs.sov'), 'restore-keys': HISTORY_PREFIX('inputs.sov') });
  assert.equal(steps[run].env?.SW_HISTORY_DIR, 'reports/history');
  assert.ok(!String(stepsUsing(walk.jobs.walk, 'actions/upload-artifact')[0]?.with?.path).startsWith('reports/history'));
  assert.deepEqual(stepsUsing(walk.jobs.walk, 'actions/cache/save'), [], 'parallel walk jobs never save: the caller adds their summaries');
});

test('nightly: per Sovereign, the history job adds the night\'s walks, builds the nightly site with Allure\'s history, and saves the history', () => {
  const job = nightly.jobs.history;
  assert.deepEqual(needsOf(job).sort(), ['chaos', 'core', 'journeys']);
  assert.match(job.if ?? '', /!cancelled\(\)/);
  assert.equal(job.strategy?.matrix?.sov, nightly.jobs.core.strategy?.matrix?.sov);
  const steps = job.steps ?? [];
  const at = (pred: (s: Step) => boolean) => steps.findIndex(pred);
  const restore = at((s) => s.uses === 'actions/cache/restore@v4');
  const download = at((s) => s.uses === 'actions/download-artifact@v4');
  const build = at((s) => (s.run ?? '').includes('npm run --silent history -- --add reports/nightly'));
  const save = at((s) => s.uses === 'actions/cache/save@v4');
  const upload = at((s) => s.uses === 'actions/upload-artifact@v4');
  assert.ok(restore >= 0 && restore < download && download < build && build < save && save < upload, 'restore → download → add and build → save → upload');
  assert.deepEqual(steps[restore].with, { path: 'reports/history', key: HISTORY_KEY('matrix.sov'), 'restore-keys': HISTORY_PREFIX('matrix.sov') }, 'the cache walk.yml restores');
  assert.deepEqual(steps[save].with, { path: 'reports/history', key: HISTORY_KEY('matrix.sov') });
  assert.equal(steps[save].if, 'always()');
  assert.equal(steps[download].with?.pattern, 'nightly-${{ matrix.sov }}-*', 'the artifacts of every walk job of this Sovereign');
  assert.equal(steps[build].env?.SW_HISTORY_DIR, 'reports/history');
  assert.match(steps[build].run ?? '', /npm run --silent report -- "\$\(dirname "\$f"\)"/, 'an Allure site per run, with its history (SW_HISTORY_DIR)');
  assert.match(steps[build].run ?? '', /npm run --silent history -- --sov "\$SOV" --html /);
  assert.match(String(steps[upload].with?.path), /allure-report[\s\S]*history-\*\.html/);

  const kind = nightly.jobs.kind.steps ?? [];
  const kRestore = kind.findIndex((s) => s.uses === 'actions/cache/restore@v4');
  const kWalk = kind.findIndex((s) => (s.run ?? '').includes('npm run walk -- --target kind'));
  const kSave = kind.findIndex((s) => s.uses === 'actions/cache/save@v4');
  assert.ok(kRestore >= 0 && kRestore < kWalk && kWalk < kSave && kind[kSave].if === 'always()');
  assert.equal(kind[kWalk].env?.SW_HISTORY_DIR, 'reports/history');
  assert.equal(kind[kRestore].with?.['restore-keys'], 'walk-history-kind-');
});

/** Every way a workflow may mishandle a secret reference (empty when it handles them right). */
function secretProblems(wf: Workflow, raw: string): string[] {
  const problems: string[] = [];
  for (const { path, value } of strings(wf)) {
    if (!value.includes('secrets.')) continue;
    const at = path.join('.');
    if (!/^\$\{\{ secrets\.[A-Z][A-Z0-9_]* \}\}$/.test(value)) problems.push(`${at}: not a whole-value \${{ secrets.NAME }} reference`);
    else if (!SECRETS.includes(value.slice(12, -3))) problems.push(`${at}: ${value} is not a documented secret`);
    if (path.at(-2) !== 'env') problems.push(`${at}: a secret outside an env map`);
  }
  for (const step of allSteps(wf)) if (/\$\{\{/.test(step.run ?? '')) problems.push(`step "${step.name ?? step.uses ?? '?'}": an expression interpolated into a script`);
  if (/secrets\[/.test(raw)) problems.push('a dynamic secrets[...] lookup');
  return problems;
}

test('secrets are referenced only as ${{ secrets.NAME }} in env maps, never inside a script, and only known names', () => {
  for (const file of FILES) assert.deepEqual(secretProblems(load(file), text(file)), [], file);
  const used = new Set(FILES.flatMap((f) => [...text(f).matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1])));
  assert.deepEqual([...used].sort(), [...SECRETS].sort(), 'every documented secret is used');
});

test('the secret check catches a token pasted into a script, an undocumented name and a lookup by expression', () => {
  const bad = `
name: bad
on: push
jobs:
  x:
    runs-on: ubuntu-24.04
    steps:
      - name: leak
        run: |
          curl -H "Authorization: Bearer \${{ secrets.HCLOUD_TOKEN }}" https://api.hetzner.cloud/v1/servers
      - name: other
        env:
          T: \${{ secrets.SOME_OTHER_TOKEN }}
          U: \${{ secrets[format('KUBECONFIG_{0}', 'FSN')] }}
        run: echo ok
`;
  const problems = secretProblems(parse(bad) as Workflow, bad);
  assert.ok(problems.some((p) => /steps.0.run: a secret outside an env map/.test(p)), JSON.stringify(problems));
  assert.ok(problems.some((p) => /step "leak": an expression interpolated into a script/.test(p)));
  assert.ok(problems.some((p) => /SOME_OTHER_TOKEN \}\} is not a documented secret/.test(p)));
  assert.ok(problems.some((p) => /dynamic secrets\[...\] lookup/.test(p)));
});

test('release sign-off: two walks of the same Sovereign in sequence, both must be green', () => {
  const on = signoff.on as { workflow_dispatch?: { inputs?: Record<string, { required?: boolean }> }; schedule?: unknown };
  assert.deepEqual(Object.keys(on), ['workflow_dispatch']);
  assert.equal(on.workflow_dispatch?.inputs?.sov?.required, true);
  const [w1, w2, final] = [signoff.jobs['walk-1'], signoff.jobs['walk-2'], signoff.jobs.signoff];
  for (const w of [w1, w2]) {
    assert.equal(w.uses, './.github/workflows/walk.yml');
    assert.equal(w.with?.sov, '${{ inputs.sov }}');
    assert.equal(w.with?.suites, 'readiness,dod,journeys,cutover,failover', 'a sign-off walks every suite');
    assert.equal(w.with?.['allow-chaos'], true);
    assert.equal(w.if, undefined, 'no condition that would let a walk run after a red one');
  }
  assert.deepEqual(needsOf(w1), []);
  assert.deepEqual(needsOf(w2), ['walk-1'], 'the second walk starts only after the first is green');
  assert.notEqual(w1.with?.artifact, w2.with?.artifact, 'both reports are kept');
  assert.deepEqual(needsOf(final).sort(), ['prove', 'walk-1', 'walk-2'], 'and the proof of the gates (test/prove-workflow.test.ts)');
  assert.equal(final.if, 'always()', 'the sign-off summary is written even when a walk failed');
  const step = (final.steps ?? []).find((s) => s.name === 'Sign-off summary');
  assert.ok(step);
  assert.deepEqual(step.env, { SOV: '${{ inputs.sov }}', WALK_1: '${{ needs.walk-1.result }}', WALK_2: '${{ needs.walk-2.result }}', HISTORY: '${{ steps.history.outputs.verdict }}', PROVE: '${{ needs.prove.result }}' });
  assert.match(step.run ?? '', /if \[ "\$WALK_1" = success \] && \[ "\$WALK_2" = success \] && \[ "\$HISTORY" = signed-off \] && \[ "\$PROVE" = success \]; then[\s\S]*else[\s\S]*exit 1/);
  assert.equal(stepsUsing(final, 'actions/download-artifact').filter((s) => s.with?.name !== 'proof').length, 1, 'the summary quotes both reports');
});

test('the sign-off verdict script passes only when both walks succeeded and the walk history signed off', () => {
  const run = (signoff.jobs.signoff.steps ?? []).find((s) => s.name === 'Sign-off summary')?.run ?? '';
  const verdict = run.slice(run.indexOf('if [ "$WALK_1"'));
  const cases: [string, string, string, number][] = [
    ['success', 'success', 'signed-off', 0],
    ['success', 'success', 'refused', 1],
    ['success', 'success', '', 1],
    ['success', 'failure', 'signed-off', 1],
    ['failure', 'skipped', 'refused', 1],
    ['success', 'cancelled', 'signed-off', 1],
  ];
  for (const [a, b, history, code] of cases) {
    const r = spawnBash(verdict, { WALK_1: a, WALK_2: b, HISTORY: history, PROVE: 'success', SOV: 't38' });
    assert.equal(r.status, code, `walk 1 ${a}, walk 2 ${b}, history ${history}`);
    assert.match(r.summary, code === 0 ? /\*\*SIGNED OFF\*\*/ : /\*\*NOT SIGNED OFF\*\*/);
  }
});

test('release sign-off judges the walk history of the Sovereign with both walks added, and keeps the history', () => {
  const steps = signoff.jobs.signoff.steps ?? [];
  const at = (pred: (s: Step) => boolean) => steps.findIndex(pred);
  const restore = at((s) => s.uses === 'actions/cache/restore@v4');
  const download = at((s) => s.uses === 'actions/download-artifact@v4');
  const judge = at((s) => s.name === 'Judge the walk history');
  const save = at((s) => s.uses === 'actions/cache/save@v4');
  const summary = at((s) => s.name === 'Sign-off summary');
  assert.ok(restore >= 0 && restore < judge && download < judge && judge < save && save < summary);
  assert.deepEqual(steps[restore].with, { path: 'reports/history', key: HISTORY_KEY('inputs.sov'), 'restore-keys': HISTORY_PREFIX('inputs.sov') });
  assert.deepEqual(steps[save].with, { path: 'reports/history', key: HISTORY_KEY('inputs.sov') });
  assert.equal(steps[judge].id, 'history');
  assert.deepEqual(steps[judge].env, { SOV: '${{ inputs.sov }}', WINDOW: '${{ inputs.window }}', SW_HISTORY_DIR: 'reports/history' });
  assert.match(steps[judge].run ?? '', /npm run --silent history -- --add reports --sov "\$SOV" --signoff --window "\$WINDOW"/);
  const inputs = (signoff.on as { workflow_dispatch?: { inputs?: Record<string, { default?: string }> } }).workflow_dispatch?.inputs;
  assert.equal(inputs?.window?.default, '5');
  for (const [rc, verdict] of [[0, 'signed-off'], [1, 'refused'], [2, 'refused']] as const) {
    const r = runWithStubNpm(steps[judge].run ?? '', rc);
    assert.equal(r.output, `verdict=${verdict}\n`, `history exits ${rc}`);
    assert.match(r.summary, /stub sign-off/, 'the history\'s own account reaches the job summary');
  }
});

/** Runs a step script with an `npm` that prints a line and exits `rc`. */
function runWithStubNpm(script: string, rc: number): { output: string; summary: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sw-stub-npm-'));
  try {
    writeFileSync(join(dir, 'npm'), `#!/bin/bash\necho "stub sign-off: $*"\nexit ${rc}\n`, { mode: 0o755 });
    const [output, summary] = [join(dir, 'output'), join(dir, 'summary.md')];
    const r = spawnSync('bash', ['-c', script], { env: { PATH: `${dir}:${process.env.PATH ?? ''}`, SOV: 't38', WINDOW: '5', RUNNER_TEMP: dir, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return { output: readFileSync(output, 'utf8'), summary: readFileSync(summary, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnBash(script: string, env: Record<string, string>): { status: number | null; summary: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sw-summary-'));
  try {
    const summary = join(dir, 'summary.md');
    const r = spawnSync('bash', ['-c', script], { env: { ...env, PATH: process.env.PATH ?? '', GITHUB_STEP_SUMMARY: summary }, encoding: 'utf8' });
    return { status: r.status, summary: readFileSync(summary, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
