/**
 * applyFault: the one way a chaos suite injects a fault. The ledger intent (with the revert
 * steps) is durable before `apply` runs; the fault is registered so SIGINT, SIGTERM and process
 * exit revert it; `revert()` is idempotent and marks the ledger.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FaultRecord } from '../gates/types.js';
import type { FaultLedger } from './ledger.js';
import { toFaultRecord } from './ledger.js';
import type { FaultOwner, FaultSpec, LedgerEntry } from './types.js';
import { registerActive, unregisterActive } from './active.js';
import { installChaosSignalHandlers } from './signals.js';

export interface AppliedFault<T> {
  /** Ledger id; also the value of the `sovereign-walk.openova.io/fault` label on objects the fault created. */
  readonly id: string;
  /** What `apply` returned. */
  readonly value: T;
  /** When `apply` resolved (the acknowledged write). */
  readonly appliedAt: string;
  /** Runs the revert (once; a failed revert may be retried) and marks the ledger. */
  revert(): Promise<FaultRecord>;
}

/** A label-safe id (≤ 63 chars, [a-z0-9-]). */
export function newFaultId(kind: string): string {
  const k = kind.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'fault';
  return `${k}-${randomBytes(4).toString('hex')}`;
}

export function currentOwner(): FaultOwner {
  return { host: hostname(), pid: process.pid };
}

/**
 * Records the fault, applies it, and returns the handle that reverts it. When `apply` throws,
 * the fault is reverted (it may be half-applied) and the apply error is re-thrown.
 * `id` lets the caller name objects after the fault before applying (default: newFaultId).
 */
export async function applyFault<T>(
  ledger: FaultLedger,
  spec: FaultSpec & { id?: string },
  apply: (id: string) => Promise<T>,
  revert: () => Promise<unknown>,
): Promise<AppliedFault<T>> {
  installChaosSignalHandlers();
  const id = spec.id ?? newFaultId(spec.kind);
  const entry: LedgerEntry = {
    id,
    kind: spec.kind,
    target: spec.target,
    runId: spec.runId,
    detail: spec.detail,
    sovereign: ledger.sovereign,
    region: spec.region,
    resource: spec.resource,
    namespace: spec.namespace,
    name: spec.name,
    revert: spec.revert,
    owner: currentOwner(),
    expiresAt: spec.expiresAt,
    intentAt: new Date().toISOString(),
    state: 'intent',
  };
  ledger.intent(entry);

  let pending: Promise<FaultRecord> | undefined;
  let record: FaultRecord | undefined;
  const doRevert = (): Promise<FaultRecord> => {
    if (record) return Promise.resolve(record);
    pending ??= (async () => {
      try {
        await revert();
      } catch (e) {
        const msg = (e as Error).message;
        ledger.revertFailed(id, msg);
        pending = undefined;
        throw e;
      }
      const at = new Date().toISOString();
      ledger.reverted(id, undefined, at);
      unregisterActive(id);
      record = toFaultRecord({ ...entry, appliedAt: entry.appliedAt, revertedAt: at, state: 'reverted' });
      return record;
    })();
    return pending;
  };
  registerActive({ id, ledger, revert: doRevert });

  let value: T;
  try {
    value = await apply(id);
  } catch (e) {
    await doRevert().catch(() => {});
    throw e;
  }
  const appliedAt = new Date().toISOString();
  entry.appliedAt = appliedAt;
  entry.state = 'applied';
  ledger.applied(id, appliedAt);
  return { id, value, appliedAt, revert: doRevert };
}
