/** The sim on the two-region kind kit (startSim installs the data plane), and the data plane processes a test left running. */
import { execFileSync } from 'node:child_process';
import { parseSimFaults, startSim, type RunningSim } from '../../sim/index.js';
import { PROCESS_TAG_PREFIX } from '../../sim/dataplane/index.js';
import { loadKit } from '../../src/kit/load.js';

export const DATAPLANE_KIT = 'fixtures/kind/kit-kind.json';

export async function startDataplaneSim(faults: string[]): Promise<RunningSim> {
  const kit = loadKit(DATAPLANE_KIT);
  return startSim({ kit, faults: parseSimFaults(faults, kit) });
}

/** Data plane processes of this test process still running (zombies excluded: their parent reaps them). */
export function dataplaneLeftovers(): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,stat=,user=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(`${PROCESS_TAG_PREFIX}-${process.pid}-`) && !/^\s*\d+\s+Z/.test(line));
}
