/**
 * The run context: everything a suite needs to know about this walk. The walk writes it to the
 * run folder and names the file in SW_RUN_CONTEXT for the fault reaper (src/chaos/signals.ts).
 */
import type { TargetSpec } from '../target/types.js';

export interface WalkOptions {
  suites: string[];
  kitPath: string;
  reportDir: string;
  json: boolean;
  /** Per-slot readiness deadline (ms). */
  slotDeadlineMs: number;
  /** After the last slot passes, every slot must stay Ready this long (ms). */
  settleMs: number;
  allowChaos: boolean;
  /** Extra FQDN patterns (regex source) treated as test Sovereigns. */
  testSovereignPatterns: string[];
  cutoverMode: 'enforce' | 'observe';
  holdMs: number;
  rtoMs: number;
  rpo: number;
  writeRate: number;
  killMode?: string;
  /** `--k6 <path>`: the k6 binary the failover writer uses (else `k6` on PATH). */
  k6Path?: string;
  /** `--load k6-operator`: the failover load runs as a k6-operator TestRun in a surviving region. */
  load?: 'local' | 'k6-operator';
  minNodes: number;
  /** Budget for one journey mail to arrive (ms). */
  mailTimeoutMs: number;
  operatorSession: boolean;
  operatorEmail: string;
  customerEmail: string;
  redeemLinkForm: 'slash' | 'plain';
  /** DoD L5 host table (JSON, the shape of DEFAULT_HTTPS_HOSTS); default the platform's hosts. */
  dodHostsPath?: string;
  /** Region names to walk (default all). */
  regions?: string[];
  /** The walk history store (default: SW_HISTORY_DIR, else `<reportDir>/history`). */
  historyDir?: string;
}

export interface RunContext {
  runId: string;
  /** Absolute path of this run's report folder. */
  runDir: string;
  target: TargetSpec;
  options: WalkOptions;
  startedAt: string;
  /** Slots discovered on the target that the kit does not list (HR-Ready only). */
  discoveredSlots?: { slot: string; name: string; namespace: string }[];
}

export const RUN_CONTEXT_ENV = 'SW_RUN_CONTEXT';
