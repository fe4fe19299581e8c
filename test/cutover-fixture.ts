/** A simulated Sovereign with the cutover model, and a run context for the cutover suite's functions. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSim, parseSimFaults, type RunningSim } from '../sim/index.js';
import { loadKit } from '../src/kit/load.js';
import type { RunContext, WalkOptions } from '../src/run/context.js';
import type { TargetSpec } from '../src/target/types.js';

export const KIT = 'fixtures/bootstrap-kit-48.json';

/** startSim with only the models the cutover suite walks: the DoD's and the cutover's. */
export async function startCutoverSim(faults: string[]): Promise<{ sim: RunningSim; target: TargetSpec }> {
  const kit = loadKit(KIT);
  const sim = await startSim({ kit, faults: parseSimFaults(faults, kit), modules: ['dod', 'cutover'] });
  return { sim, target: sim.target };
}

export function cutoverContext(target: TargetSpec, over: Partial<WalkOptions> = {}): RunContext {
  const options: WalkOptions = {
    suites: ['cutover'],
    kitPath: KIT,
    reportDir: 'reports',
    json: true,
    slotDeadlineMs: 30_000,
    settleMs: 0,
    allowChaos: false,
    testSovereignPatterns: [],
    cutoverMode: 'enforce',
    holdMs: 6000,
    rtoMs: 30_000,
    rpo: 0,
    writeRate: 10,
    minNodes: 4,
    operatorSession: true,
    operatorEmail: 'operator@sovereign-walk.test',
    customerEmail: 'customer@sovereign-walk.test',
    redeemLinkForm: 'slash',
    mailTimeoutMs: 30_000,
    ...over,
  };
  return { runId: `cutover-test-${Date.now()}`, runDir: mkdtempSync(join(tmpdir(), 'cutover-run-')), target, options, startedAt: new Date().toISOString() };
}
