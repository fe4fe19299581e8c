/**
 * D35: the order's events reach the platform fast. `catalyst.order.placed` and
 * `catalyst.tenant.created` must both be published, and the Organization's reconcile must
 * start within the budget (2 s) of each. Publish time is the JetStream message timestamp (the
 * server's store time), the envelope's own `timestamp` as a fallback; reconcile start is the
 * first watch event that shows the controller's status on the Organization.
 */
import type { Gate } from '../../gates/types.js';
import type { TappedEvent } from '../../nats/catalyst-tap.js';
import { fail } from './hop.js';
import { G } from './gates.js';
import type { JourneySession } from './session.js';

export interface D35Match {
  tenantId?: string;
  slug: string;
  orderId?: string;
}

export interface D35Measure {
  tenantCreated?: TappedEvent;
  orderPlaced?: TappedEvent;
  reconcileStartMs?: number;
  /** Per event: reconcile start − publish time (ms), null when either is missing. */
  tenantCreatedMs: number | null;
  orderPlacedMs: number | null;
  /** The worse of the two, or the only one measured; null when neither could be. */
  latencyMs: number | null;
}

const field = (e: TappedEvent, k: string): unknown => e.envelope?.data?.[k];

export function publishedAt(e: TappedEvent): number {
  return e.storedAtMs || e.envelopeAtMs || e.receivedAtMs;
}

export function findTenantCreated(events: TappedEvent[], m: D35Match): TappedEvent | undefined {
  return events.find(
    (e) => e.subject === 'catalyst.tenant.created' && (field(e, 'slug') === m.slug || (m.tenantId !== undefined && (field(e, 'id') === m.tenantId || e.envelope?.tenant_id === m.tenantId))),
  );
}

export function findOrderPlaced(events: TappedEvent[], m: D35Match, tenantCreated?: TappedEvent): TappedEvent | undefined {
  const orderId = m.orderId ?? (field(tenantCreated ?? ({} as TappedEvent), 'order_id') as string | undefined);
  return events.find(
    (e) =>
      e.subject === 'catalyst.order.placed' &&
      ((m.tenantId !== undefined && (e.envelope?.tenant_id === m.tenantId || field(e, 'tenant_id') === m.tenantId)) || (orderId !== undefined && field(e, 'order_id') === orderId)),
  );
}

export function measureD35(events: TappedEvent[], m: D35Match, reconcileStartMs: number | undefined): D35Measure {
  const tenantCreated = findTenantCreated(events, m);
  const orderPlaced = findOrderPlaced(events, m, tenantCreated);
  const lat = (e?: TappedEvent) => (e && reconcileStartMs !== undefined ? reconcileStartMs - publishedAt(e) : null);
  const tenantCreatedMs = lat(tenantCreated);
  const orderPlacedMs = lat(orderPlaced);
  const measured = [tenantCreatedMs, orderPlacedMs].filter((x): x is number => x !== null);
  return { tenantCreated, orderPlaced, reconcileStartMs, tenantCreatedMs, orderPlacedMs, latencyMs: measured.length ? Math.max(...measured) : null };
}

const EVENT_WAIT_MS = 5_000;

export function d35Gate(s: JourneySession): Promise<Gate> {
  return s.hop(G.d35, { needs: [G.checkout.id], metrics: ['d35LatencyMs', 'd35TenantCreatedMs', 'd35OrderPlacedMs'] }, async (g) => {
    const tap = s.state.tap ?? fail(s.state.tapError ?? 'the catalyst.> tap did not start');
    const match: D35Match = { slug: s.state.slug, tenantId: s.state.tenant?.id, orderId: s.state.orderId };
    // The events precede the Organization; a short wait covers a tap that is a beat behind.
    await tap.waitFor(() => {
      const all = tap.events();
      const created = findTenantCreated(all, match);
      return Boolean(created && findOrderPlaced(all, match, created));
    }, EVENT_WAIT_MS);
    const deadline = (s.state.orderPlacedAtMs ?? Date.now()) + s.cfg.orgReadyDeadlineMs;
    const start = await s.orgWatch.until(s.state.slug, (e) => e.snapshot.hasStatus, Math.min(deadline, Date.now() + s.cfg.orgReadyDeadlineMs));
    const d = measureD35(tap.events(), match, start?.receivedAtMs);
    g.metric('d35LatencyMs', d.latencyMs);
    g.metric('d35TenantCreatedMs', d.tenantCreatedMs);
    g.metric('d35OrderPlacedMs', d.orderPlacedMs);
    const ev = (e?: TappedEvent) =>
      e && { subject: e.subject, stream: e.stream, seq: e.streamSeq, storedAt: new Date(e.storedAtMs).toISOString(), envelopeTimestamp: e.envelope?.timestamp, receivedAt: new Date(e.receivedAtMs).toISOString(), envelope: e.envelope };
    g.attach(
      s.h.evidence.json(
        'journey-nats-events',
        {
          streams: tap.streams,
          reconcileStart: start ? new Date(start.receivedAtMs).toISOString() : null,
          tenantCreated: ev(d.tenantCreated) ?? null,
          orderPlaced: ev(d.orderPlaced) ?? null,
          all: tap.events().map((e) => ({ subject: e.subject, seq: e.streamSeq, storedAt: new Date(e.storedAtMs).toISOString(), tenant_id: e.envelope?.tenant_id, malformed: e.malformed })),
        },
        'catalyst.> events captured during the journey, with JetStream and envelope times',
      ),
    );
    const budget = s.cfg.d35BudgetMs;
    const problems: string[] = [];
    if (!d.tenantCreated) problems.push('catalyst.tenant.created was not published for this order');
    if (!d.orderPlaced) problems.push('catalyst.order.placed was not published for this order');
    if (!start) problems.push(s.state.orgWatchError ?? `the Organization ${s.state.slug} never showed a reconcile start`);
    for (const [name, ms] of [['tenant.created', d.tenantCreatedMs], ['order.placed', d.orderPlacedMs]] as const) {
      if (ms !== null && ms > budget) problems.push(`${name} → reconcile start took ${ms} ms (budget ${budget} ms)`);
    }
    if (problems.length) fail(`D35: ${problems.join('; ')}`);
    return `tenant.created → reconcile ${d.tenantCreatedMs} ms, order.placed → reconcile ${d.orderPlacedMs} ms (budget ${budget} ms)`;
  });
}
