import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { executeKindPlan, KindStepError } from '../src/kind/execute.js';
import { kindDownPlan, kindPlan, loadKindPlanInputs } from '../src/kind/plan.js';
import type { CommandRunner, RunOptions, RunResult } from '../src/kind/runner.js';
import { applyCommand, isCommandStep, isManifestStep } from '../src/kind/steps.js';

const ROOT = new URL('..', import.meta.url).pathname;
const inputs = loadKindPlanInputs(ROOT);

interface Call {
  argv: string[];
  input?: string;
}

/** Records every command; `answer` may fail some of them. */
function recorder(answer: (argv: string[]) => RunResult = () => ({ exitCode: 0, stdout: '', stderr: '' })): CommandRunner & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async run(argv: string[], opts: RunOptions = {}) {
      calls.push({ argv, input: opts.input });
      return answer(argv);
    },
  };
}

function withStateDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-kind-exec-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'kind:up executes every step in order: stdin for configs and manifests, pipes, files, generated secrets',
  withStateDir(async (dir) => {
    const plan = kindPlan({ stateDir: dir, ...inputs });
    const runner = recorder((argv) => ({ exitCode: 0, stdout: argv.includes('--dry-run=client') ? 'kind: Secret\n' : '', stderr: '' }));
    const log: string[] = [];
    await executeKindPlan(plan, { runner, log: (l) => log.push(l) });

    const pipes = plan.steps.filter((s) => isCommandStep(s) && s.pipeTo).length;
    const commands = plan.steps.filter((s) => isCommandStep(s) || isManifestStep(s)).length;
    assert.equal(runner.calls.length, commands + pipes);
    assert.deepEqual(runner.calls[0].argv.slice(0, 5), ['kind', 'create', 'cluster', '--name', 'sw-fsn']);
    assert.equal(parse(runner.calls[0].input ?? '').name, 'sw-fsn');
    assert.doesNotMatch(runner.calls[0].input ?? '', /&a1|\*a1/, 'no YAML aliases on stdin');

    const applies = runner.calls.filter((c) => c.argv.includes('apply') && c.argv.includes('--server-side') && c.argv.at(-1) === '-');
    assert.equal(applies.length, plan.steps.filter(isManifestStep).length);
    const fsnApply = applyCommand(join(dir, 'hz-fsn-rtz-prod.kubeconfig'));
    assert.ok(applies.some((c) => c.argv.join(' ') === fsnApply.join(' ')));

    const piped = runner.calls.findIndex((c) => c.argv.includes('--dry-run=client'));
    assert.deepEqual(runner.calls[piped + 1].argv.slice(-3), ['apply', '-f', '-']);
    assert.equal(runner.calls[piped + 1].input, 'kind: Secret\n', 'stdout of the first command is the stdin of the second');

    const secrets = applies.map((c) => parse(c.input ?? '') as { kind: string; metadata: { name: string }; stringData?: Record<string, string> }).filter((m) => m.kind === 'Secret');
    const appPasswords = secrets.filter((s) => s.metadata.name.endsWith('-app')).map((s) => s.stringData?.password);
    assert.equal(appPasswords.length, 2);
    assert.equal(appPasswords[0], appPasswords[1], 'both regions share the generated password');
    assert.match(appPasswords[0] ?? '', /^[A-Za-z0-9_-]{32}$/);
    for (const s of secrets) assert.doesNotMatch(JSON.stringify(s), /<generated:/);
    const store = join(dir, 'secrets.json');
    assert.equal(statSync(store).mode & 0o777, 0o600);
    assert.ok(!log.join('\n').includes(appPasswords[0] ?? '<none>'), 'the password never reaches the log');

    const cfg = readFileSync(join(dir, 'frontdoor', 'haproxy.cfg'), 'utf8');
    assert.match(cfg, /server sw-hel-worker2 sw-hel-worker2:30443 backup/);
    const cp = runner.calls.find((c) => c.argv[0] === 'docker' && c.argv[1] === 'cp');
    assert.deepEqual(cp?.argv.slice(2), [join(dir, 'frontdoor', 'haproxy.cfg'), 'sw-kind-frontdoor:/usr/local/etc/haproxy/haproxy.cfg']);
    assert.match(log[0], /^\[1\/\d+\] hz-fsn-rtz-prod: create kind cluster sw-fsn/);

    const again = recorder();
    await executeKindPlan(plan, { runner: again, log: () => {} });
    const againPassword = again.calls.map((c) => parse(c.input ?? '') as { kind?: string; metadata?: { name: string }; stringData?: Record<string, string> }).find((m) => m?.kind === 'Secret' && m.metadata?.name.endsWith('-app'))?.stringData?.password;
    assert.equal(againPassword, appPasswords[0], 'a second kind:up reuses the generated password');
  }),
);

test(
  'kind:up stops at the first failing step and names it with the redacted reason',
  withStateDir(async (dir) => {
    const plan = kindPlan({ stateDir: dir, ...inputs });
    const runner = recorder((argv) =>
      argv.includes('helmrelease') && argv.join(' ').includes('hz-hel-rtz-prod')
        ? { exitCode: 1, stdout: '', stderr: 'error: timed out waiting for the condition on helmreleases/bp-cnpg\n' }
        : { exitCode: 0, stdout: '', stderr: '' },
    );
    const failing = plan.steps.findIndex((s) => isCommandStep(s) && s.command.includes('helmrelease') && s.command.join(' ').includes('hz-hel-rtz-prod'));
    await assert.rejects(executeKindPlan(plan, { runner, log: () => {} }), (e: unknown) => {
      assert.ok(e instanceof KindStepError);
      assert.equal(e.stepNumber, failing + 1);
      assert.match(e.message, /^step \d+ \(hz-hel-rtz-prod: wait for every kit HelmRelease to be Ready\) failed: kubectl --kubeconfig \S+ … exited 1: error: timed out waiting for the condition on helmreleases\/bp-cnpg$/);
      return true;
    });
    assert.equal(runner.calls.length, failing + 1, 'nothing after the failed step ran');
    assert.equal(existsSync(join(dir, 'frontdoor')), false);
  }),
);

test(
  'a failing step never leaks a secret from its stderr',
  withStateDir(async (dir) => {
    const plan = kindPlan({ stateDir: dir, ...inputs });
    const runner = recorder((argv) =>
      argv.includes('apply') && argv.at(-1) === '-'
        ? { exitCode: 1, stdout: '', stderr: 'Error from server: password: "hunter2-very-secret" is invalid\n' }
        : { exitCode: 0, stdout: '', stderr: '' },
    );
    await assert.rejects(executeKindPlan(plan, { runner, log: () => {} }), (e: unknown) => e instanceof Error && !e.message.includes('hunter2') && e.message.includes('[REDACTED]'));
  }),
);

test(
  'kind:down tolerates containers that are already gone but not other failures, and removes the state folder',
  withStateDir(async (dir) => {
    const stateDir = join(dir, 'kind');
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'hz-fsn-rtz-prod.kubeconfig'), 'stale');
    const plan = kindDownPlan({ stateDir });
    const gone = recorder((argv) =>
      argv[1] === 'rm' ? { exitCode: 1, stdout: '', stderr: 'Error response from daemon: No such container: sw-kind-frontdoor\n' } : { exitCode: 0, stdout: '', stderr: '' },
    );
    await executeKindPlan(plan, { runner: gone, log: () => {} });
    assert.deepEqual(gone.calls.map((c) => c.argv.slice(0, 2).join(' ')), ['docker rm', 'kind delete', 'kind delete']);
    assert.equal(existsSync(stateDir), false, 'kubeconfigs, CA and generated passwords are gone');

    const broken = recorder((argv) =>
      argv[1] === 'rm' ? { exitCode: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n' } : { exitCode: 0, stdout: '', stderr: '' },
    );
    await assert.rejects(executeKindPlan(plan, { runner: broken, log: () => {} }), /step 1 \(remove the front door container\) failed: .*Cannot connect to the Docker daemon/);
  }),
);
