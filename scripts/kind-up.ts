/**
 * npm run kind:up [-- --dry-run] [--kit <file>]
 * Builds the two-region kind Sovereign (src/kind/plan.ts) and leaves the per-region kubeconfigs
 * in .state/kind/ for `npm run walk -- --target kind`. Exit 0 up, 1 a step failed, 2 set-up
 * problem (no Docker engine, a missing tool).
 */
import { Command } from 'commander';
import { executeKindPlan } from '../src/kind/execute.js';
import { kindPlan, KIND_KIT_PATH, loadKindPlanInputs } from '../src/kind/plan.js';
import { renderKindDryRun } from '../src/kind/render.js';
import { zxRunner } from '../src/kind/runner.js';
import { requireDocker, requireTools, runScript } from '../src/kind/script.js';
import { KIND_STATE_DIR } from '../src/kind/topology.js';

runScript('kind:up', async () => {
  const opts = new Command('kind:up')
    .option('--dry-run', 'print every command and manifest, change nothing', false)
    .option('--kit <file>', 'kind kit profile', KIND_KIT_PATH)
    .parse(process.argv)
    .opts<{ dryRun: boolean; kit: string }>();
  const plan = kindPlan({ stateDir: KIND_STATE_DIR, ...loadKindPlanInputs(process.cwd(), opts.kit) });
  if (opts.dryRun) {
    process.stdout.write(renderKindDryRun(plan));
    return;
  }
  await requireDocker(zxRunner);
  await requireTools(zxRunner, ['kind', 'kubectl', 'openssl']);
  await executeKindPlan(plan, { runner: zxRunner, log: (line) => process.stderr.write(`${line}\n`) });
  process.stderr.write(`kind:up: the kind Sovereign is up; walk it with \`npm run walk -- --target kind --kit ${opts.kit}\`\n`);
});
