/** npm run kind:down [-- --dry-run]: removes the kind Sovereign, its side containers and .state/kind. */
import { Command } from 'commander';
import { executeKindPlan } from '../src/kind/execute.js';
import { kindDownPlan } from '../src/kind/plan.js';
import { renderKindDryRun } from '../src/kind/render.js';
import { zxRunner } from '../src/kind/runner.js';
import { KIND_STATE_DIR } from '../src/kind/topology.js';
import { requireDocker, requireTools, runScript } from '../src/kind/script.js';

runScript('kind:down', async () => {
  const opts = new Command('kind:down')
    .option('--dry-run', 'print every command, change nothing', false)
    .parse(process.argv)
    .opts<{ dryRun: boolean }>();
  const plan = kindDownPlan({ stateDir: KIND_STATE_DIR });
  if (opts.dryRun) {
    process.stdout.write(renderKindDryRun(plan));
    return;
  }
  await requireDocker(zxRunner);
  await requireTools(zxRunner, ['kind']);
  await executeKindPlan(plan, { runner: zxRunner, log: (line) => process.stderr.write(`${line}\n`) });
});
