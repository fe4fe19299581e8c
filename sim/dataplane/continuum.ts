/**
 * The sim's Continuum controller for the counter database. The primary region holds the lease
 * and renews it every LEASE.renewMs while its PostgreSQL is alive and answers (postmaster
 * running and a query on the control connection within the renew period). When the lease
 * expires (LEASE.ttlMs without a renewal) it runs the lease-loss switchover: SwitchingOver →
 * promote the standby → flip the router → FailedOver with lastSwitchover, the CNPG replica
 * Cluster promoted, and a `continuum-switchover` audit on NATS when the sim runs one.
 * The lease loop runs in the secondary region's controller, so only the survivor's objects move.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { ObjectStore } from '../kube/store.js';
import { publishAudit } from './audit.js';
import type { DataplaneFaults } from './faults.js';
import { at, CONTINUUM_NAME, goDuration, LEASE, markPromoted, writeContinuumStatus, writePairStatus } from './objects.js';
import type { DbPair } from './pair.js';
import type { Backend, DataplaneRouter } from './router.js';
import { appendLog } from '../host/processes.js';

/** Status refresh period while nothing changes (lease expiry time, lag). */
const STATUS_REFRESH_MS = 1_000;

interface PrimaryState {
  streaming: boolean;
  sync: boolean;
  lagMs: number;
}

export interface ContinuumDeps {
  /** Stores that show the Continuum while the primary lives (both regions). */
  stores: ObjectStore[];
  /** The survivor's store: the only one that moves after the lease is lost. */
  replicaStore: ObjectStore;
  pair: DbPair;
  router: DataplaneRouter;
  replicaBackend: Backend;
  faults: DataplaneFaults;
  natsUrl: () => string | undefined;
  logPath: string;
}

type Phase = 'Healthy' | 'Degraded' | 'SwitchingOver' | 'FailedOver' | 'Failed';

export class ContinuumController {
  private timer?: NodeJS.Timeout;
  private readonly abort = new AbortController();
  private probe?: pg.Client;
  private lastRenewAt = Date.now();
  private lastSync = false;
  private lastLagMs = 0;
  private phase: Phase = 'Healthy';
  private streaming = true;
  private lastWriteAt = 0;
  private switching?: Promise<void>;

  constructor(private readonly deps: ContinuumDeps) {}

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    await this.switching?.catch(() => {});
    await this.probe?.end().catch(() => {});
  }

  private log(line: string): void {
    appendLog(this.deps.logPath, `${new Date().toISOString()} ${line}\n`);
  }

  private schedule(): void {
    if (this.abort.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.tick().catch((err: unknown) => {
        this.log(`lease loop error: ${(err as Error).message}`);
        this.schedule();
      });
    }, LEASE.renewMs);
  }

  private async tick(): Promise<void> {
    if (this.abort.signal.aborted) return;
    const state = await this.probePrimary();
    const now = Date.now();
    if (state) {
      this.lastRenewAt = now;
      this.lastSync = state.sync;
      this.lastLagMs = state.lagMs;
      this.observeHealthy(state, now);
    } else if (now - this.lastRenewAt >= LEASE.ttlMs) {
      this.switching = this.switchover(now).catch((err: unknown) => this.failed(err));
      return;
    }
    this.schedule();
  }

  /** One query on the control connection: the lease renewal's liveness check and the replication state. */
  private async probePrimary(): Promise<PrimaryState | undefined> {
    const { pair } = this.deps;
    if (!pair.primary.alive()) return undefined;
    try {
      if (!this.probe) {
        const client = pair.primary.controlClient('postgres', LEASE.renewMs);
        await client.connect();
        this.probe = client;
      }
      const rows = (
        await this.probe.query<{ state: string; sync_state: string; lag_ms: string | number | null }>(
          'SELECT state, sync_state, EXTRACT(epoch FROM replay_lag) * 1000 AS lag_ms FROM pg_stat_replication WHERE application_name = $1',
          [pair.names.replicaCluster],
        )
      ).rows;
      const row = rows[0];
      const streaming = row?.state === 'streaming';
      return { streaming, sync: streaming && row?.sync_state === 'sync', lagMs: Math.round(Number(row?.lag_ms ?? 0)) };
    } catch {
      const broken = this.probe;
      this.probe = undefined;
      await broken?.end().catch(() => {});
      return undefined;
    }
  }

  private observeHealthy(state: PrimaryState, now: number): void {
    const phase: Phase = state.streaming ? 'Healthy' : 'Degraded';
    const changed = phase !== this.phase || state.streaming !== this.streaming;
    if (!changed && now - this.lastWriteAt < STATUS_REFRESH_MS) return;
    if (changed) this.log(`primary ${this.deps.pair.names.primaryRegion} ${phase}, standby ${state.streaming ? 'streaming' : 'not streaming'}${state.sync ? ' (sync)' : ''}`);
    this.phase = phase;
    this.streaming = state.streaming;
    this.lastWriteAt = now;
    const { names } = this.deps.pair;
    for (const store of this.deps.stores) {
      writePairStatus(store, { phase: state.streaming ? 'Streaming' : 'Degraded', streaming: state.streaming, currentPrimaryRegion: names.primaryRegion, walLagSeconds: state.lagMs / 1000 }, now);
      writeContinuumStatus(
        store,
        { phase, primaryRegion: names.primaryRegion, leaseHolder: names.primaryRegion, leaseExpiresAt: at(now + LEASE.ttlMs), standbyAvailable: true, lagMs: { [names.replicaRegion]: state.lagMs } },
        now,
      );
    }
  }

  private async switchover(detectedAt: number): Promise<void> {
    const { pair, router, replicaBackend, replicaStore, faults } = this.deps;
    const { names } = pair;
    const from = names.primaryRegion;
    const to = names.replicaRegion;
    this.phase = 'SwitchingOver';
    this.log(`lease of ${from} expired (last renewal ${at(this.lastRenewAt)}): switching over to ${to}`);
    writeContinuumStatus(
      replicaStore,
      { phase: 'SwitchingOver', primaryRegion: from, leaseHolder: '', leaseExpiresAt: at(this.lastRenewAt + LEASE.ttlMs), standbyAvailable: true, lagMs: { [to]: this.lastLagMs }, message: `lease of ${from} lost at ${at(detectedAt)}` },
      detectedAt,
    );
    writePairStatus(replicaStore, { phase: 'SwitchingOver', streaming: false, currentPrimaryRegion: from, walLagSeconds: this.lastLagMs / 1000 }, detectedAt);
    if (faults.promotionDelayMs === null) {
      this.log('failover:none: no promotion');
      return;
    }
    if (faults.promotionDelayMs > 0) {
      this.log(`failover:slow: promotion delayed ${faults.promotionDelayMs} ms`);
      await sleep(faults.promotionDelayMs, undefined, { signal: this.abort.signal });
    }
    const replayedAt = await pair.standbyReplayedAt().catch(() => null);
    const promoteStart = Date.now();
    await pair.promoteStandby();
    router.flip(replicaBackend);
    const promotedAt = Date.now();
    this.phase = 'FailedOver';
    markPromoted(replicaStore, names.replicaCluster, promotedAt);

    const rtoMs = faults.misreport ? promotedAt - promoteStart : promotedAt - this.lastRenewAt;
    const rpoMs = faults.misreport || this.lastSync ? 0 : Math.max(0, this.lastRenewAt - (replayedAt ?? this.lastRenewAt));
    const lastSwitchover = { at: at(promotedAt), from, to, reason: 'lease-loss', rtoObserved: goDuration(rtoMs), rpoObserved: goDuration(rpoMs), initiatedBy: 'auto-failover' };
    writePairStatus(replicaStore, { phase: 'Degraded', streaming: false, currentPrimaryRegion: to, walLagSeconds: 0 }, promotedAt);
    writeContinuumStatus(
      replicaStore,
      { phase: 'FailedOver', primaryRegion: to, leaseHolder: to, leaseExpiresAt: at(promotedAt + LEASE.ttlMs), standbyAvailable: false, lagMs: {}, lastSwitchover, message: `failed over from ${from} to ${to}` },
      promotedAt,
    );
    this.log(`promoted ${names.replicaCluster} in ${to}: rtoObserved ${lastSwitchover.rtoObserved}, rpoObserved ${lastSwitchover.rpoObserved}`);

    const natsUrl = this.deps.natsUrl();
    if (!natsUrl) return;
    await publishAudit(natsUrl, {
      type: 'continuum-switchover',
      continuumName: CONTINUUM_NAME,
      applicationName: 'sw-counter',
      fromPrimary: from,
      toPrimary: to,
      lagSeconds: rpoMs / 1000,
      step: '7/7',
      reason: 'lease-loss',
      message: `failed over from ${from} to ${to}`,
      initiatedBy: 'auto-failover',
      timestamp: lastSwitchover.at,
    }).catch((err: unknown) => this.log(`audit publish failed: ${(err as Error).message}`));
  }

  private failed(err: unknown): void {
    if (this.abort.signal.aborted) return;
    const { names } = this.deps.pair;
    const message = `switchover failed: ${(err as Error).message}`;
    this.phase = 'Failed';
    this.log(message);
    const now = Date.now();
    writeContinuumStatus(
      this.deps.replicaStore,
      { phase: 'Failed', primaryRegion: names.primaryRegion, leaseHolder: '', leaseExpiresAt: at(this.lastRenewAt + LEASE.ttlMs), standbyAvailable: true, lagMs: {}, message },
      now,
    );
  }
}
