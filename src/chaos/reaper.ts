/**
 * Detached revert, started by the exit hook of a process that still held faults:
 * `node --import tsx src/chaos/reaper.ts --context <run-context.json> --ledger <file> --id <id>…`.
 * It reverts exactly those ledger entries with the run's own kubeconfigs, then exits.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { RunContext } from '../run/context.js';
import { RegionClient } from '../target/kube.js';
import { FaultLedger } from './ledger.js';
import { executeRevert } from './revert.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { context: { type: 'string' }, ledger: { type: 'string' }, id: { type: 'string', multiple: true } } });
  if (!values.context || !values.ledger || !values.id?.length) throw new Error('usage: reaper --context <file> --ledger <file> --id <id>...');
  const ctx = JSON.parse(readFileSync(values.context, 'utf8')) as RunContext;
  const ledger = new FaultLedger(ctx.target.sovereign, values.ledger);
  const regions = ctx.target.regions.map((r) => new RegionClient(r));
  const ids = new Set(values.id);
  for (const e of ledger.open().filter((x) => ids.has(x.id))) {
    try {
      const done = await executeRevert({ regions }, e.id, e.revert);
      ledger.reverted(e.id, `reaper after holder exit; ${done.join('; ')}`);
    } catch (err) {
      ledger.revertFailed(e.id, (err as Error).message);
    }
  }
}

main().then(
  () => process.exit(0),
  () => process.exit(1),
);
