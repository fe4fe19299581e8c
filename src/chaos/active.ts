/** The faults this process has applied and not yet reverted: what a signal or exit must undo. */
import type { FaultRecord } from '../gates/types.js';
import type { FaultLedger } from './ledger.js';

export interface ActiveFault {
  id: string;
  ledger: FaultLedger;
  revert(): Promise<FaultRecord>;
}

const active = new Map<string, ActiveFault>();

export function registerActive(f: ActiveFault): void {
  active.set(f.id, f);
}

export function unregisterActive(id: string): void {
  active.delete(id);
}

export function activeFaults(): ActiveFault[] {
  return [...active.values()];
}

/** Reverts every active fault, newest first; failures stay active (and in the ledger) for the janitor. */
export async function revertActiveFaults(): Promise<{ reverted: FaultRecord[]; failed: { id: string; error: string }[] }> {
  const reverted: FaultRecord[] = [];
  const failed: { id: string; error: string }[] = [];
  for (const f of activeFaults().reverse()) {
    try {
      reverted.push(await f.revert());
    } catch (e) {
      failed.push({ id: f.id, error: (e as Error).message });
    }
  }
  return { reverted, failed };
}
