/**
 * The journeys suite against a started sim, in Debian's Chromium: the healthy Sovereign passes
 * every gate with screenshots, HARs and the cluster/NATS evidence, and leaks no PIN; the
 * test-session sign-in with a server-generated voucher code walks the flow too.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { RunningSim } from '../sim/index.js';
import { installMail } from '../sim/mail/index.js';
import type { Harness } from '../src/run/harness.js';
import type { Gate, Timeline } from '../src/gates/types.js';
import { renderVegaLite } from '../src/report/charts.js';
import { journeyConfig, type JourneyConfig } from '../src/suites/journeys/config.js';
import { JOURNEY_GATE_ORDER } from '../src/suites/journeys/gates.js';
import { runJourneys } from '../src/suites/journeys/run.js';
import { startJourneyWorld, type JourneyWorld } from './journeys-fixture.js';

const FLOW = /operator-sign-in|voucher-issue|voucher-email|redeem$|funnel|checkout|organization-ready|console-handover|d35/;
const UI_GATES = JOURNEY_GATE_ORDER.filter((id) => !/d35|past-cap/.test(id));

let world: JourneyWorld | undefined;
let sim: RunningSim;
let runDir: string;
let h: Harness;

const fast = (over: Partial<JourneyConfig> = {}): JourneyConfig =>
  journeyConfig(h.ctx, { mailTimeoutMs: 5_000, orgReadyDeadlineMs: 10_000, uiTimeoutMs: 10_000, handoverTimeoutMs: 15_000, ...over });

before(async () => {
  world = await startJourneyWorld('journeys-flow');
  ({ sim, runDir, h } = world);
});

after(async () => {
  await world?.stop();
});

const byId = (gates: Gate[]) => new Map(gates.map((g) => [g.id, g]));
const evidenceText = (g: Gate, kind: string) => g.evidence.filter((e) => e.kind === kind).map((e) => readFileSync(join(runDir, e.path), 'utf8'));

describe('journeys on the healthy sim', () => {
  let gates: Map<string, Gate>;
  let timeline: Timeline;

  before(async () => {
    const r = await runJourneys(h, fast());
    gates = byId(r.gates);
    timeline = r.timeline;
  });

  it('passes every gate, in order', () => {
    assert.deepEqual([...gates.keys()], JOURNEY_GATE_ORDER);
    for (const g of gates.values()) assert.equal(g.status, 'passed', `${g.id}: ${g.reason}`);
  });

  it('takes a screenshot on every browser step', () => {
    for (const id of UI_GATES) assert.ok(gates.get(id)?.evidence.some((e) => e.kind === 'screenshot'), `${id} has no screenshot`);
    const funnel = gates.get('journeys/funnel');
    assert.ok((funnel?.evidence.filter((e) => e.kind === 'screenshot').length ?? 0) >= 4, 'plans, apps, add-ons and review');
  });

  it('records the flow as HARs, the Organization YAML and the NATS events', () => {
    assert.ok(gates.get('journeys/voucher-issue')?.evidence.some((e) => e.kind === 'har'), 'operator HAR');
    const har = evidenceText(gates.get('journeys/console-handover') as Gate, 'har');
    assert.equal(har.length, 1, 'customer HAR');
    assert.ok((JSON.parse(har[0]) as { log: { entries: unknown[] } }).log.entries.length > 10);
    const org = parse(evidenceText(gates.get('journeys/organization-ready') as Gate, 'yaml')[0]) as { kind: string; status: { conditions: { type: string; status: string }[] } };
    assert.equal(org.kind, 'Organization');
    assert.ok(org.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
    const nats = JSON.parse(evidenceText(gates.get('journeys/d35-event-latency') as Gate, 'json')[0]) as { tenantCreated: { subject: string }; orderPlaced: { subject: string } };
    assert.equal(nats.tenantCreated.subject, 'catalyst.tenant.created');
    assert.equal(nats.orderPlaced.subject, 'catalyst.order.placed');
  });

  it('reports D35 latency as a number within the budget', () => {
    const m = gates.get('journeys/d35-event-latency')?.metrics ?? {};
    assert.equal(typeof m.d35LatencyMs, 'number');
    assert.ok((m.d35LatencyMs as number) >= 0 && (m.d35LatencyMs as number) <= 2_000, String(m.d35LatencyMs));
    assert.equal(typeof gates.get('journeys/organization-ready')?.metrics?.orgReadyMs, 'number');
  });

  it('captures the org-create request and lands on the tenant console through the handover', () => {
    const orgCreate = JSON.parse(evidenceText(gates.get('journeys/checkout') as Gate, 'json')[0]) as { orgCreate: { request: Record<string, unknown> }; checkout: { request: Record<string, unknown> } };
    assert.deepEqual(Object.keys(orgCreate.orgCreate.request).sort(), ['addons', 'apps', 'defer_launch', 'name', 'parent_domain', 'plan_id', 'slug']);
    assert.equal(orgCreate.orgCreate.request.parent_domain, sim.ctx.poolDomain);
    assert.equal(orgCreate.checkout.request.topology, 'active-hot-standby');
    assert.match(gates.get('journeys/console-handover')?.reason ?? '', /\/auth\/org-handover to https:\/\/console\.sw-[a-z0-9]+\.homes\.sovereign-walk\.test\/jobs/);
    assert.match(gates.get('journeys/voucher-issue')?.reason ?? '', /via \/organizations\/billing\/vouchers/);
  });

  it('draws the hops, the Organization watch events and the catalyst events on one timeline', async () => {
    const values = (timeline.vegaLite.data as { values: { lane: string }[] }).values;
    const lanes = new Set(values.map((v) => v.lane));
    for (const lane of ['operator-sign-in', 'checkout', 'organization-ready', 'Organization (watch)', 'catalyst.> (JetStream)']) assert.ok(lanes.has(lane), lane);
    assert.match(await renderVegaLite(timeline.vegaLite), /^<svg/);
  });

  it('leaves no PIN, session cookie or bearer token in the evidence', async () => {
    const mail = await installMail(sim.ctx);
    const pins = mail.store
      .all()
      .filter((m) => /code/i.test(m.Subject))
      .map((m) => /(\d{6})/.exec(`${m.Subject} ${m.Text}`)?.[1])
      .filter((p): p is string => Boolean(p));
    assert.ok(pins.length >= 3, 'operator, customer and wrong-PIN mails');
    for (const g of gates.values()) {
      for (const e of g.evidence.filter((x) => x.kind !== 'screenshot')) {
        const text = readFileSync(join(runDir, e.path), 'utf8');
        for (const pin of pins) assert.ok(!text.includes(pin), `${e.name} contains a PIN`);
        assert.doesNotMatch(text, /catalyst_session=eyJ/, `${e.name} contains a session cookie`);
        assert.doesNotMatch(text, /Bearer eyJ/, `${e.name} contains a bearer token`);
        assert.doesNotMatch(text, /token=eyJ/, `${e.name} contains a handover token`);
      }
    }
  });
});

describe('journeys with a test session and a server-generated voucher code', () => {
  it('walks the flow signed in through /api/v1/auth/test-session', async () => {
    const gates = byId((await runJourneys(h, fast({ operatorSession: true, autoVoucherCode: true }), (id) => FLOW.test(id))).gates);
    for (const g of gates.values()) assert.equal(g.status, 'passed', `${g.id}: ${g.reason}`);
    assert.match(gates.get('journeys/operator-sign-in')?.reason ?? '', /test-session/);
    assert.match(gates.get('journeys/voucher-issue')?.reason ?? '', /^VCH-[A-Z0-9]{12} issued/);
  });
});
