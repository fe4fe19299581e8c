/** Runs DoD checks in plan order outside Playwright (tests, tools); the spec runs them one test each. */
import type { Gate } from '../../gates/types.js';
import { runCheck, type DodCheck } from './check.js';
import type { DodSession } from './session.js';

export async function runDod(plan: DodCheck[], s: DodSession, onGate: (g: Gate) => void = () => {}): Promise<Gate[]> {
  const gates: Gate[] = [];
  for (const check of plan) {
    const gate = await runCheck(check, s);
    gates.push(gate);
    onGate(gate);
  }
  return gates;
}
