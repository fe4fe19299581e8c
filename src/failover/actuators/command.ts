/**
 * Region kill by a power switch the target's operator provides as a command (an IPMI or PDU
 * script, a hypervisor's CLI, the embedded Sovereign's host switch): argv, run without a shell,
 * done when it exits 0. The target says how strong it is (`full`: power-off, `isolation`: links
 * cut, processes alive). No heal: the ledger never records a command line to run later
 * (src/chaos/types.ts), so whoever owns the switch powers the region back on.
 */
import type { RegionKillSpec } from '../../target/types.js';
import { runCommand } from './container.js';
import type { CommandRunner, KillOutcome, KillPlan } from './types.js';

type CommandSpec = Extract<RegionKillSpec, { kind: 'command' }>;

const COMMAND_TIMEOUT_MS = 60_000;

export function commandPlan(region: string, spec: CommandSpec, run: CommandRunner = runCommand): KillPlan {
  if (!spec.argv.length) throw new Error(`the kill command of region ${region} is empty`);
  return {
    actuator: 'command',
    region,
    target: `${region}/${spec.description}`,
    description: `${spec.description}: ${spec.argv.join(' ')}`,
    strength: spec.strength,
    heal: `none: the command has no counterpart the harness runs; the owner of ${region}'s switch powers it back on`,
    revert: [],
    async apply(): Promise<KillOutcome> {
      const issuedAt = Date.now();
      const out = (await run(spec.argv, COMMAND_TIMEOUT_MS)).trim();
      return { issuedAt, killedAt: Date.now(), detail: `${spec.argv.join(' ')}${out ? ` → ${out.split('\n').slice(-3).join('; ')}` : ''}` };
    },
  };
}
