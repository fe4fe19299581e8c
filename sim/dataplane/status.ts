/**
 * The status the Continuum controller writes on the CNPGPair and the Continuum (shapes of the
 * dr.openova.io CRDs), and how: server-side apply of the status subresource under the `continuum`
 * field manager, one region at a time in order, the newest status of an object replacing one not
 * yet sent (a dead region's API server never holds up the survivor's).
 */
import type { WorldApi } from '../kube-client/api.js';
import { at, CONTINUUM_MANAGER, continuumRef, goDuration, pairRef } from './objects.js';

export interface PairStatus {
  phase: string;
  streaming: boolean;
  currentPrimaryRegion: string;
  walLagSeconds: number;
}

export interface ContinuumStatus {
  phase: string;
  primaryRegion: string;
  leaseHolder: string;
  leaseExpiresAt: string;
  standbyAvailable: boolean;
  /** Replication lag per standby region (ms). */
  lagMs: Record<string, number>;
  lastSwitchover?: Record<string, string>;
  message?: string;
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** Conditions of one object, each keeping its transition time while its status stays. */
class Conditions {
  private readonly since = new Map<string, { status: string; at: string }>();

  render(list: Condition[], now: number): Record<string, unknown>[] {
    return list.map((c) => {
      const before = this.since.get(c.type);
      const lastTransitionTime = before && before.status === c.status ? before.at : at(now);
      this.since.set(c.type, { status: c.status, at: lastTransitionTime });
      return { ...c, lastTransitionTime };
    });
  }
}

export class StatusBook {
  private readonly pairConditions = new Conditions();
  private readonly continuumConditions = new Conditions();

  pair(s: PairStatus, now: number): Record<string, unknown> {
    const streaming: Condition = s.streaming
      ? { type: 'Streaming', status: 'True', reason: 'WalStreaming', message: 'the replica streams WAL from the primary' }
      : { type: 'Streaming', status: 'False', reason: 'WalStreamDown', message: 'no WAL stream from the primary' };
    return { phase: s.phase, streaming: s.streaming, currentPrimaryRegion: s.currentPrimaryRegion, walLagSeconds: s.walLagSeconds, conditions: this.pairConditions.render([streaming], now) };
  }

  continuum(s: ContinuumStatus, now: number): Record<string, unknown> {
    const lag = Object.fromEntries(Object.entries(s.lagMs).map(([region, ms]) => [region, goDuration(ms)]));
    const ready = s.phase === 'Healthy' || s.phase === 'FailedOver';
    const standby: Condition = s.standbyAvailable
      ? { type: 'StandbyAvailable', status: 'True', reason: 'ReplicaReady', message: 'the hot standby is ready' }
      : { type: 'StandbyAvailable', status: 'False', reason: 'NoReplica', message: 'no hot standby' };
    return {
      phase: s.phase,
      primaryRegion: s.primaryRegion,
      leaseHolder: s.leaseHolder,
      leaseExpiresAt: s.leaseExpiresAt,
      replicationLag: lag,
      maxReplicationLag: goDuration(Math.max(0, ...Object.values(s.lagMs))),
      standbyAvailable: s.standbyAvailable,
      ...(s.lastSwitchover ? { lastSwitchover: s.lastSwitchover } : {}),
      conditions: this.continuumConditions.render([standby, { type: 'Ready', status: ready ? 'True' : 'False', reason: s.phase, message: s.message ?? s.phase }], now),
    };
  }
}

export type StatusKind = 'CNPGPair' | 'Continuum';

/** One region's status writes, in order; the newest status of an object replaces one still waiting. */
export class RegionStatusWriter {
  private readonly waiting = new Map<StatusKind, Record<string, unknown>>();
  private draining?: Promise<void>;

  constructor(
    readonly region: string,
    private readonly api: WorldApi,
    /** metadata.generation of each object in this region, as its status reports having observed it. */
    private readonly generations: Record<StatusKind, number>,
    private readonly onError: (message: string) => void,
  ) {}

  put(kind: StatusKind, status: Record<string, unknown>): void {
    this.waiting.set(kind, status);
    this.draining ??= this.drain();
  }

  /** Resolves once every status put so far was written (or failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    for (let next = this.waiting.entries().next(); !next.done; next = this.waiting.entries().next()) {
      const [kind, status] = next.value;
      this.waiting.delete(kind);
      const ref = kind === 'Continuum' ? continuumRef : pairRef;
      try {
        await this.api.applyStatus({ ...ref, status: { ...status, observedGeneration: this.generations[kind] } }, CONTINUUM_MANAGER);
      } catch (err) {
        this.onError(`${kind} status in ${this.region}: ${(err as Error).message}`);
      }
    }
    this.draining = undefined;
  }
}
