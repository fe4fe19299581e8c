/**
 * Executes a kind plan step by step, stopping at the first failure. Every manifest is checked
 * against its schema before the first step runs, so a broken plan never half-builds a cluster.
 * Step output is not echoed (a `kubectl create secret … -o yaml` carries key material); a failed
 * step reports the redacted tail of its stderr.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { redact } from '../evidence/redact.js';
import { fillGenerated } from './generated.js';
import { toYaml } from './render.js';
import type { CommandRunner, RunResult } from './runner.js';
import { tail } from './runner.js';
import { validateManifest } from './schemas/index.js';
import { applyCommand, isCommandStep, isFileStep, isManifestStep, planManifests, regionOf, type KindPlan, type KindStep } from './steps.js';

const STEP_TIMEOUT_MS = 20 * 60_000;

export class KindStepError extends Error {
  override name = 'KindStepError';
  constructor(
    readonly stepNumber: number,
    readonly step: KindStep,
    readonly reason: string,
  ) {
    super(`step ${stepNumber} (${step.description}) failed: ${reason}`);
  }
}

export interface ExecuteOptions {
  runner: CommandRunner;
  /** Progress lines (already redacted). */
  log: (line: string) => void;
}

export function planProblems(plan: KindPlan): string[] {
  return planManifests(plan).flatMap(({ step, manifest }) =>
    validateManifest(manifest).map((e) => `step ${step} ${manifest.kind} ${manifest.metadata?.name ?? String(manifest.name ?? '')}: ${e}`),
  );
}

function failure(result: RunResult, argv: string[]): string {
  const detail = tail(result.stderr || result.stdout, 3).replace(/\s*\n\s*/g, ' | ');
  return redact(`${argv.slice(0, 3).join(' ')} … exited ${result.exitCode}${detail ? `: ${detail}` : ''}`);
}

async function runStep(plan: KindPlan, step: KindStep, opts: ExecuteOptions): Promise<string | undefined> {
  const { runner } = opts;
  if (isManifestStep(step)) {
    const argv = applyCommand(regionOf(plan, step.applyTo).kubeconfigPath);
    const result = await runner.run(argv, { input: toYaml(fillGenerated(step.manifest, plan.stateDir)), timeoutMs: STEP_TIMEOUT_MS });
    return result.exitCode === 0 ? undefined : failure(result, argv);
  }
  if (isCommandStep(step)) {
    const first = await runner.run(step.command, { input: step.input ? toYaml(step.input) : undefined, timeoutMs: STEP_TIMEOUT_MS });
    if (first.exitCode !== 0) {
      const tolerated = step.tolerate !== undefined && `${first.stderr}${first.stdout}`.includes(step.tolerate);
      return tolerated ? undefined : failure(first, step.command);
    }
    if (!step.pipeTo) return undefined;
    const second = await runner.run(step.pipeTo, { input: first.stdout, timeoutMs: STEP_TIMEOUT_MS });
    return second.exitCode === 0 ? undefined : failure(second, step.pipeTo);
  }
  if (isFileStep(step)) {
    await mkdir(dirname(step.file.path), { recursive: true });
    await writeFile(step.file.path, step.file.content);
    return undefined;
  }
  await rm(step.remove, { recursive: true, force: true });
  return undefined;
}

export async function executeKindPlan(plan: KindPlan, opts: ExecuteOptions): Promise<void> {
  const problems = planProblems(plan);
  if (problems.length) throw new Error(`the kind plan is invalid (nothing was applied): ${problems.join('; ')}`);
  for (const [i, step] of plan.steps.entries()) {
    const started = Date.now();
    opts.log(redact(`[${i + 1}/${plan.steps.length}] ${step.description}`));
    const reason = await runStep(plan, step, opts);
    if (reason !== undefined) throw new KindStepError(i + 1, step, reason);
    opts.log(`        done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
