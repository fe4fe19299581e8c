/**
 * Taps the Sovereign's `catalyst.>` events through JetStream: an ordered consumer per stream
 * that captures those subjects, starting at a given time, so nothing published after the tap's
 * start is missed even if the harness subscribed a moment late. Every event carries the
 * JetStream timestamp (when the server stored it, i.e. the publish time), the envelope's own
 * `timestamp`, and when the harness received it.
 */
import { connect, millis, DeliverPolicy, type ConsumerMessages, type NatsConnection, type StreamInfo } from 'nats';

export const CATALYST_SUBJECTS = 'catalyst.>';

export interface CatalystEnvelope {
  id?: string;
  type?: string;
  source?: string;
  timestamp?: string;
  tenant_id?: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface TappedEvent {
  subject: string;
  stream: string;
  streamSeq: number;
  /** JetStream message timestamp (epoch ms). */
  storedAtMs: number;
  /** The envelope's `timestamp` (epoch ms), when it parses. */
  envelopeAtMs?: number;
  receivedAtMs: number;
  envelope?: CatalystEnvelope;
  /** Set when the payload is not a JSON envelope. */
  malformed?: string;
}

/** The target has no JetStream stream for `catalyst.>`: upstream publishing errors in that case. */
export class NoCatalystStreamError extends Error {
  override name = 'NoCatalystStreamError';
}

/** NATS subject matching with `*` (one token) and `>` (the rest). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

export class CatalystTap {
  private readonly captured: TappedEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly feeds: ConsumerMessages[] = [];

  private constructor(private readonly nc: NatsConnection, readonly streams: string[]) {}

  /** Connects and starts consuming every stream that captures `catalyst.>` from `since` on. */
  static async start(url: string, since: Date): Promise<CatalystTap> {
    const nc = await connect({ servers: url, name: 'sovereign-walk-tap', timeout: 10_000 });
    try {
      const jsm = await nc.jetstreamManager();
      const infos: StreamInfo[] = await jsm.streams.list(CATALYST_SUBJECTS).next();
      if (!infos.length) throw new NoCatalystStreamError(`no JetStream stream on ${url} captures ${CATALYST_SUBJECTS}`);
      const tap = new CatalystTap(nc, infos.map((i) => i.config.name));
      const js = nc.jetstream();
      for (const info of infos) {
        const subjects = info.config.subjects ?? [];
        // Broader streams get a server-side filter; narrower ones (catalyst.tenant.>) take none.
        const broad = subjects.some((s) => s === '>' || s === CATALYST_SUBJECTS);
        const consumer = await js.consumers.get(info.config.name, {
          ...(broad ? { filterSubjects: CATALYST_SUBJECTS } : {}),
          deliver_policy: DeliverPolicy.StartTime,
          opt_start_time: since.toISOString(),
        });
        const feed = await consumer.consume();
        tap.feeds.push(feed);
        void tap.drain(info.config.name, feed);
      }
      return tap;
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  events(): TappedEvent[] {
    return [...this.captured];
  }

  /** Resolves with the first captured event that satisfies `pred`, or undefined after `timeoutMs`. */
  async waitFor(pred: (e: TappedEvent) => boolean, timeoutMs: number): Promise<TappedEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.captured.find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  async stop(): Promise<void> {
    for (const f of this.feeds) f.stop();
    await this.nc.close();
  }

  private async drain(stream: string, feed: ConsumerMessages): Promise<void> {
    for await (const m of feed) {
      if (!subjectMatches(CATALYST_SUBJECTS, m.subject)) continue;
      const ev: TappedEvent = {
        subject: m.subject,
        stream,
        streamSeq: m.info.streamSequence,
        storedAtMs: millis(m.info.timestampNanos),
        receivedAtMs: Date.now(),
      };
      try {
        const env = JSON.parse(m.string()) as CatalystEnvelope;
        if (typeof env !== 'object' || env === null) throw new Error('payload is not a JSON object');
        ev.envelope = env;
        const t = env.timestamp ? Date.parse(env.timestamp) : NaN;
        if (!Number.isNaN(t)) ev.envelopeAtMs = t;
      } catch (e) {
        ev.malformed = (e as Error).message;
      }
      this.captured.push(ev);
      for (const w of [...this.waiters]) w();
    }
  }
}
