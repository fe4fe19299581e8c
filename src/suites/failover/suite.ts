/**
 * The failover suite's judge (src/suites/judges.ts). The failover is run once per walk: its
 * gates are saved under the run folder, and a second judging in the same run reads them back
 * instead of killing the region a second time.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Gate } from '../../gates/types.js';
import { redactJson } from '../../evidence/redact.js';
import { failoverGates } from './gates.js';
import { runFailover, type FailoverHarness, type FailoverRunOptions } from './run.js';

function gatesFile(runDir: string): string {
  return join(runDir, 'failover', 'gates.json');
}

export async function runFailoverSuite(h: FailoverHarness, opts: FailoverRunOptions = {}): Promise<Gate[]> {
  const file = gatesFile(h.ctx.runDir);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Gate[];
  const gates = await failoverGates(h, await runFailover(h, opts));
  writeFileSync(file, JSON.stringify(redactJson(gates), null, 2));
  return gates;
}
