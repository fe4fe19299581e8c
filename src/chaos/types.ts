/**
 * The fault ledger's record model. Every chaos suite writes a LedgerEntry BEFORE it applies a
 * fault, with the steps that undo it, so a run that dies mid-fault can be reverted by the next.
 */
import type { FaultRecord } from '../gates/types.js';

/** One step that undoes (part of) a fault. Steps of a fault run in order; all are attempted. */
export type RevertStep =
  /** Delete one object (`name`) or every object matching `labelSelector` (all namespaces unless `namespace`). */
  | { kind: 'k8s-delete'; region: string; resource: string; namespace?: string; name?: string; labelSelector?: string }
  /** Restore fields a fault changed (a JSON merge patch holding the previous values). */
  | { kind: 'k8s-merge-patch'; region: string; resource: string; namespace?: string; name: string; patch: Record<string, unknown> }
  /** Send a signal to local processes, e.g. SIGCONT after a SIGSTOP kill. Gone processes are skipped. */
  | { kind: 'process-signal'; pids: number[]; signal: NodeJS.Signals }
  /** Run a local command, e.g. `docker start <node>` or `pg_ctl start -D <dir>`. */
  | { kind: 'command'; argv: string[]; timeoutMs?: number }
  /** Power on every Hetzner Cloud server matching the label selector that is off (token from HCLOUD_TOKEN). */
  | { kind: 'hcloud-power-on'; labelSelector: string };

/** Who holds a fault: the janitor leaves a fault alone while its holder is alive and it has not expired. */
export interface FaultOwner {
  host: string;
  pid: number;
  /** The `npm run walk` process (env SW_WALK_PID); when it is gone the fault is orphaned even if `pid` lingers. */
  walkPid?: number;
}

/** What a suite declares when it applies a fault (see applyFault). */
export interface FaultSpec {
  /** `egress-block`, `region-kill` … */
  kind: string;
  /** Human-readable target: `hz-fsn-rtz-prod/ciliumclusterwidenetworkpolicies/sovereign-walk-egress-block`. */
  target: string;
  runId: string;
  detail?: string;
  /** The main object of a Kubernetes fault (for reports; the revert steps carry their own). */
  region?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  revert: RevertStep[];
  /** After this instant the janitor reverts the fault even if its holder still runs. */
  expiresAt?: string;
}

export type LedgerState = 'intent' | 'applied' | 'reverted' | 'revert-failed';

export interface LedgerEntry extends FaultRecord {
  sovereign: string;
  region?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  revert: RevertStep[];
  owner: FaultOwner;
  expiresAt?: string;
  intentAt: string;
  state: LedgerState;
  /** Last revert error, when state is revert-failed. */
  revertError?: string;
}

/** A JSONL line of the ledger file. */
export type LedgerLine =
  | { op: 'intent'; at: string; entry: LedgerEntry }
  | { op: 'applied'; at: string; id: string }
  | { op: 'reverted'; at: string; id: string; detail?: string }
  | { op: 'revert-failed'; at: string; id: string; error: string };
