/**
 * A region kill actuator: what the failover suite does to take the primary region down. Every
 * actuator is carried out through the fault ledger (see kill.ts): its revert steps are durable
 * before the kill, so a run that dies mid-kill is healed by the next run's janitor.
 */
import type { RevertStep } from '../../chaos/types.js';
import type { RegionKillSpec } from '../../target/types.js';

/**
 * How completely the actuator takes the region down, stated in the report:
 * `full` (every process or machine of the region stops), `isolation` (the region keeps running
 * but is cut off), `weakest` (only the database is stopped; the region's apps and control plane stay up).
 */
export type KillStrength = 'full' | 'isolation' | 'weakest';

export interface KillOutcome {
  /** Epoch ms when the actuator started acting. */
  issuedAt: number;
  /** Epoch ms when the region was confirmed down (the kill time on the failover timeline). */
  killedAt: number;
  /** What was done, e.g. the pids signalled or servers powered off. */
  detail: string;
}

export interface KillPlan {
  actuator: RegionKillSpec['kind'];
  region: string;
  /** Human-readable target for the ledger and the report. */
  target: string;
  /** What the kill will do. */
  description: string;
  strength: KillStrength;
  /** What healing means for this actuator (reported next to the kill). */
  heal: string;
  /** Steps that undo the kill, recorded in the ledger before it happens. */
  revert: RevertStep[];
  /** What the actuator verified before acting (hcloud: the servers and the nodes they are), written as evidence. */
  scope?: unknown;
  apply(): Promise<KillOutcome>;
}

/** Runs a command (argv, no shell); resolves with stdout, rejects naming the command and its stderr. */
export type CommandRunner = (argv: readonly string[], timeoutMs: number) => Promise<string>;
