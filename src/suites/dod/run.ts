/** Runs DoD checks in plan order, each bounded by its own timeout: one failure or hang never hides the rest. */
import type { Gate } from '../../gates/types.js';
import { runCheck, type DodCheck } from './check.js';
import type { DodSession } from './session.js';

export async function runDod(plan: DodCheck[], s: DodSession): Promise<Gate[]> {
  const gates: Gate[] = [];
  for (const check of plan) {
    gates.push(await runCheck(check, s));
  }
  return gates;
}
