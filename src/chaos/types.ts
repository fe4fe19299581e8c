/**
 * The fault ledger's record model. Every chaos suite writes a LedgerEntry BEFORE it applies a
 * fault, with the steps that undo it, so a run that dies mid-fault can be reverted by the next.
 */
import type { FaultRecord } from '../gates/types.js';

/** The label every object a fault creates carries, valued with the fault's ledger id. */
export const FAULT_LABEL = 'sovereign-walk.openova.io/fault';

/** Resources the harness creates and may delete again, only ever by its own fault label. */
export const HARNESS_RESOURCES = [
  'networkpolicies.networking.k8s.io',
  'ciliumclusterwidenetworkpolicies.cilium.io',
  'jobs.batch',
  'pods',
  'clusterrolebindings.rbac.authorization.k8s.io',
  'clusterroles.rbac.authorization.k8s.io',
  'serviceaccounts',
  'configmaps',
  'testruns.k6.io',
] as const;
export type HarnessResource = (typeof HARNESS_RESOURCES)[number];

/**
 * One typed revert record: what the harness does to undo (part of) a fault, interpreted by
 * src/chaos/revert.ts. Nothing in a record is run as given: no command line, no free-form
 * selector or patch. Records of a fault run in order; all are attempted.
 */
export type RevertStep =
  /** Delete the objects of `resource` labelled `sovereign-walk.openova.io/fault=<this fault's id>` (all namespaces unless `namespace`). */
  | { kind: 'delete-fault-objects'; region: string; resource: HarnessResource; namespace?: string }
  /** Set `spec.instances` of a CNPG Cluster back (the heal of the earlier cnpg-scale kill, still read from older ledgers). */
  | { kind: 'cnpg-instances'; region: string; namespace: string; cluster: string; instances: number }
  /** Lift the fence of a CNPG Cluster (remove `cnpg.io/fencedInstances`) after a cnpg-fence kill. */
  | { kind: 'cnpg-unfence'; region: string; namespace: string; cluster: string }
  /** `<runtime> start` (after stop) or `<runtime> unpause` (after pause) of a kind region's node containers. */
  | { kind: 'container-start'; runtime: 'docker' | 'podman'; mode: 'stop' | 'pause'; containers: string[] }
  /** Power on exactly these Hetzner Cloud servers (the ones the kill powered off; token from HCLOUD_TOKEN). */
  | { kind: 'hcloud-power-on'; servers: { id: number; name: string }[] };

/** Who holds a fault: the janitor leaves a fault alone while its holder is alive and it has not expired. */
export interface FaultOwner {
  host: string;
  pid: number;
  /**
   * Older ledgers only: the `npm run walk` process when a Playwright worker held the fault; when it
   * is gone the fault is orphaned even if `pid` lingers. Every fault is held by the walk itself now.
   */
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
