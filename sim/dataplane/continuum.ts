/**
 * The sim's Continuum controller for the counter database. The primary region holds the lease
 * and renews it every LEASE.renewMs while its PostgreSQL answers a query over the network (from
 * the world, as the survivor's controller would ask: a powered-off or partitioned region does not
 * answer) within LEASE.probeTimeoutMs. When the lease
 * expires (LEASE.ttlMs without a renewal) it runs the lease-loss switchover: SwitchingOver →
 * promote the standby → flip the router → the survivor's Cluster out of replica mode
 * (`spec.replica.enabled=false`, the platform's switchover step 6; the CNPG operator follows) →
 * FailedOver with lastSwitchover, and a `continuum-switchover` audit on NATS when the sim runs one.
 * The lease loop runs in the secondary region's controller, so only the survivor's objects move.
 * After a promotion the loop follows the swapped roles: the promoted primary holds the lease, and
 * once the old primary's instance streams from it again (its region healed) synchronous
 * replication is required again and the pair reports Streaming, the Continuum Healthy, in both
 * regions.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { WorldApi } from '../kube-client/api.js';
import { publishAudit } from './audit.js';
import type { DataplaneFaults } from './faults.js';
import { at, clusterRef, CONTINUUM_MANAGER, CONTINUUM_NAME, goDuration, LEASE } from './objects.js';
import { MONITOR_USER, type DbPair } from './pair.js';
import type { Backend, DataplaneRouter } from './router.js';
import { StatusBook, type ContinuumStatus, type PairStatus, type RegionStatusWriter } from './status.js';
import { appendLog } from '../host/processes.js';

/** Status refresh period while nothing changes (lease expiry time, lag). */
const STATUS_REFRESH_MS = 1_000;

interface PrimaryState {
  streaming: boolean;
  sync: boolean;
  lagMs: number;
}

/** What the Continuum reaches of one region of the pair. */
export interface ContinuumRegion {
  /** Its CNPGPair and Continuum status. */
  writer: RegionStatusWriter;
  /** Its API server (its Cluster leaves replica mode there on promotion). */
  api: WorldApi;
  /** Where the router sends clients when this region's instance is the primary. */
  backend(): Backend;
}

export interface ContinuumDeps {
  /** Both regions of the pair, by name. */
  regions: Map<string, ContinuumRegion>;
  pair: DbPair;
  router: DataplaneRouter;
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
  private readonly book = new StatusBook();
  private lastSwitchover?: Record<string, string>;
  /** A promotion happened; until the old primary streams again the pair has no standby. */
  private failedOver = false;
  /** Synchronous replication is to be required again once the rejoined standby streams. */
  private syncPending = false;

  constructor(private readonly deps: ContinuumDeps) {}

  /** The first renewal at once, its status written before this resolves (the pair is never seen without one); then the lease loop. */
  async start(): Promise<void> {
    await this.tick();
    await Promise.all(this.writers().map((w) => w.flush()));
  }

  private region(name: string): ContinuumRegion {
    const r = this.deps.regions.get(name);
    if (!r) throw new Error(`region ${name} is not part of the pair`);
    return r;
  }

  private writers(): RegionStatusWriter[] {
    return [...this.deps.regions.values()].map((r) => r.writer);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    await this.switching?.catch(() => {});
    await this.probe?.end().catch(() => {});
    await Promise.all(this.writers().map((w) => w.flush()));
  }

  private log(line: string): void {
    appendLog(this.deps.logPath, `${new Date().toISOString()} ${line}\n`);
  }

  private write(writers: RegionStatusWriter[], pair: PairStatus, continuum: ContinuumStatus, now: number): void {
    const pairStatus = this.book.pair(pair, now);
    const continuumStatus = this.book.continuum(continuum, now);
    for (const w of writers) {
      w.put('CNPGPair', pairStatus);
      w.put('Continuum', continuumStatus);
    }
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
      if (state.streaming && this.syncPending) {
        this.syncPending = false;
        await this.deps.pair.requireSynchronousStandby().then(
          () => this.log(`${this.deps.pair.names.replicaCluster} streams again: synchronous replication required on ${this.deps.pair.names.primaryCluster}`),
          (err: unknown) => this.log(`requiring synchronous replication again failed: ${(err as Error).message}`),
        );
      }
      this.observeHealthy(state, now);
    } else if (now - this.lastRenewAt >= LEASE.ttlMs) {
      this.switching = this.switchover(now).then(
        (promoted) => {
          if (promoted) this.schedule();
        },
        (err: unknown) => this.failed(err),
      );
      return;
    }
    this.schedule();
  }

  /** One query on the control connection: the lease renewal's liveness check and the replication state. */
  private async probePrimary(): Promise<PrimaryState | undefined> {
    const { pair } = this.deps;
    try {
      if (!this.probe) {
        const client = pair.primary.networkClient(MONITOR_USER, pair.monitorPassword, LEASE.probeTimeoutMs);
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
    const phase: Phase = state.streaming ? 'Healthy' : this.failedOver ? 'FailedOver' : 'Degraded';
    const changed = phase !== this.phase || state.streaming !== this.streaming;
    if (!changed && now - this.lastWriteAt < STATUS_REFRESH_MS) return;
    if (changed) this.log(`primary ${this.deps.pair.names.primaryRegion} ${phase}, standby ${state.streaming ? 'streaming' : 'not streaming'}${state.sync ? ' (sync)' : ''}`);
    this.phase = phase;
    this.streaming = state.streaming;
    this.lastWriteAt = now;
    const { names } = this.deps.pair;
    // After a promotion the old primary's region may be dead: it hears of the pair again once its instance streams.
    const writers = this.failedOver && !state.streaming ? [this.region(names.primaryRegion).writer] : this.writers();
    this.write(
      writers,
      { phase: state.streaming ? 'Streaming' : 'Degraded', streaming: state.streaming, currentPrimaryRegion: names.primaryRegion, walLagSeconds: state.lagMs / 1000 },
      {
        phase,
        primaryRegion: names.primaryRegion,
        leaseHolder: names.primaryRegion,
        leaseExpiresAt: at(now + LEASE.ttlMs),
        standbyAvailable: state.streaming || !this.failedOver,
        lagMs: state.streaming || !this.failedOver ? { [names.replicaRegion]: state.lagMs } : {},
        ...(this.lastSwitchover ? { lastSwitchover: this.lastSwitchover } : {}),
        ...(this.failedOver && !state.streaming ? { message: `failed over from ${names.replicaRegion} to ${names.primaryRegion}` } : {}),
      },
      now,
    );
  }

  /** The lease-loss switchover; resolves true once the standby was promoted. */
  private async switchover(detectedAt: number): Promise<boolean> {
    const { pair, router, faults } = this.deps;
    const { names } = pair;
    const from = names.primaryRegion;
    const to = names.replicaRegion;
    const survivorRegion = this.region(to);
    const survivor = survivorRegion.writer;
    this.phase = 'SwitchingOver';
    this.log(`lease of ${from} expired (last renewal ${at(this.lastRenewAt)}): switching over to ${to}`);
    this.write(
      [survivor],
      { phase: 'SwitchingOver', streaming: false, currentPrimaryRegion: from, walLagSeconds: this.lastLagMs / 1000 },
      { phase: 'SwitchingOver', primaryRegion: from, leaseHolder: '', leaseExpiresAt: at(this.lastRenewAt + LEASE.ttlMs), standbyAvailable: true, lagMs: { [to]: this.lastLagMs }, message: `lease of ${from} lost at ${at(detectedAt)}` },
      detectedAt,
    );
    if (faults.promotionDelayMs === null) {
      this.log('failover:none: no promotion');
      return false;
    }
    if (faults.promotionDelayMs > 0) {
      this.log(`failover:slow: promotion delayed ${faults.promotionDelayMs} ms`);
      await sleep(faults.promotionDelayMs, undefined, { signal: this.abort.signal });
    }
    const replayedAt = await pair.standbyReplayedAt().catch(() => null);
    const promoteStart = Date.now();
    await pair.promoteStandby();
    router.flip(survivorRegion.backend());
    const promotedAt = Date.now();
    this.phase = 'FailedOver';
    this.failedOver = true;
    this.syncPending = !faults.asyncDetached;
    // The lease is the promoted primary's now: the next probes go to it.
    void this.probe?.end().catch(() => {});
    this.probe = undefined;
    this.streaming = false;
    await this.untilDone(`${names.replicaCluster} out of replica mode`, () => survivorRegion.api.mergePatch(clusterRef(names.replicaCluster), { spec: { replica: { enabled: false } } }, { manager: CONTINUUM_MANAGER }));

    const rtoMs = faults.misreport ? promotedAt - promoteStart : promotedAt - this.lastRenewAt;
    const rpoMs = faults.misreport || this.lastSync ? 0 : Math.max(0, this.lastRenewAt - (replayedAt ?? this.lastRenewAt));
    const lastSwitchover = { at: at(promotedAt), from, to, reason: 'lease-loss', rtoObserved: goDuration(rtoMs), rpoObserved: goDuration(rpoMs), initiatedBy: 'auto-failover' };
    this.lastSwitchover = lastSwitchover;
    this.lastRenewAt = promotedAt;
    this.lastWriteAt = Date.now();
    this.write(
      [survivor],
      { phase: 'Degraded', streaming: false, currentPrimaryRegion: to, walLagSeconds: 0 },
      { phase: 'FailedOver', primaryRegion: to, leaseHolder: to, leaseExpiresAt: at(promotedAt + LEASE.ttlMs), standbyAvailable: false, lagMs: {}, lastSwitchover, message: `failed over from ${from} to ${to}` },
      promotedAt,
    );
    this.log(`promoted ${names.replicaCluster} in ${to}: rtoObserved ${lastSwitchover.rtoObserved}, rpoObserved ${lastSwitchover.rpoObserved}`);

    const natsUrl = this.deps.natsUrl();
    if (!natsUrl) return true;
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
    return true;
  }

  /** Retries `fn` (an API write) until it succeeds or the controller stops, as a requeued reconcile would. */
  private async untilDone(what: string, fn: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await fn();
        return;
      } catch (err) {
        if (this.abort.signal.aborted) throw err;
        this.log(`${what} failed (attempt ${attempt}): ${(err as Error).message}`);
        await sleep(Math.min(2_000, 100 * attempt), undefined, { signal: this.abort.signal });
      }
    }
  }

  private failed(err: unknown): void {
    if (this.abort.signal.aborted) return;
    const { names } = this.deps.pair;
    const message = `switchover failed: ${(err as Error).message}`;
    this.phase = 'Failed';
    this.log(message);
    const now = Date.now();
    this.region(names.replicaRegion).writer.put(
      'Continuum',
      this.book.continuum({ phase: 'Failed', primaryRegion: names.primaryRegion, leaseHolder: '', leaseExpiresAt: at(this.lastRenewAt + LEASE.ttlMs), standbyAvailable: true, lagMs: {}, message }, now),
    );
  }
}
