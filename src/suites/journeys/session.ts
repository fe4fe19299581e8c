/**
 * One journeys run: the browser, the mailbox, the Organization watch and the event tap, the
 * state the hops hand each other, and the hop runner that turns each hop into a Gate —
 * blocked when what it needs failed, failed with a screenshot of where the browser stopped.
 */
import { randomBytes } from 'node:crypto';
import { errors, type BrowserContext, type Page } from 'playwright-core';
import type { Harness } from '../../run/harness.js';
import type { Evidence, Gate } from '../../gates/types.js';
import { GateRun } from '../../gates/gate-run.js';
import { MailTimeoutError, type MailQuery, type Mailbox, type Message } from '../../mail/mailbox.js';
import { openMailbox } from '../../mail/open.js';
import { CatalystTap } from '../../nats/catalyst-tap.js';
import { redact } from '../../evidence/redact.js';
import { describeError } from '../../target/objects.js';
import { JourneyBrowser, type Actor } from './browser.js';
import type { JourneyConfig } from './config.js';
import type { JourneyGateSpec } from './gates.js';
import { HopFailure } from './hop.js';
import { OrganizationWatch } from './org-watch.js';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

export interface Navigation {
  url: string;
  at: string;
}

/** What one hop leaves for the next. */
export interface JourneyState {
  operatorStorage?: StorageState;
  voucher?: { code: string; creditOmr: number; maxRedemptions: number };
  voucherMailSince?: number;
  redeemLink?: string;
  slug: string;
  orgName: string;
  planId?: string;
  customerToken?: string;
  tenant?: { id: string; consoleHost: string };
  orderId?: string;
  orderPlacedAtMs?: number;
  navigations: Navigation[];
  tap?: CatalystTap;
  tapError?: string;
  /** Why the Organization watch could not start (the type not served, no access …). */
  orgWatchError?: string;
}

export interface HopOptions {
  /** Gates this hop needs passed. */
  needs: string[];
  /** The actor whose page shows where the hop stopped. */
  actor?: string;
  /** Actors whose session ends with this hop when it fails (their HAR goes to this gate). */
  closeOnFailure?: string[];
  /** Actors whose session ends with this hop either way. */
  closeAlways?: string[];
  /** Metrics the gate always reports (null until measured), even when blocked. */
  metrics?: string[];
  /** Overrides the `needs` check, e.g. a hop that can run on partial results of a failed one. */
  runnable?: () => { rootCause: string; reason: string } | undefined;
}

export class JourneySession {
  readonly gates = new Map<string, Gate>();
  readonly state: JourneyState;
  readonly actors = new Map<string, Actor>();
  /** Short, DNS-safe tag unique to this run (subdomain, voucher code). */
  readonly tag: string;

  private constructor(
    readonly h: Harness,
    readonly cfg: JourneyConfig,
    readonly browser: JourneyBrowser,
    readonly mailbox: Mailbox,
    readonly orgWatch: OrganizationWatch,
  ) {
    this.tag = `${Date.now().toString(36).slice(-5)}${randomBytes(2).toString('hex')}`;
    this.state = { slug: `sw-${this.tag}`, orgName: `Sovereign Walk ${this.tag}`, navigations: [] };
  }

  static async open(h: Harness, cfg: JourneyConfig): Promise<JourneySession> {
    const mailbox = openMailbox(h.ctx.target.mailbox, h.http);
    const browser = await JourneyBrowser.launch(h);
    return new JourneySession(h, cfg, browser, mailbox, new OrganizationWatch(h.primary));
  }

  get sovereign(): string {
    return this.h.sovereign;
  }

  /** `https://console.<sov>` (no trailing slash; paths are appended). */
  get consoleOrigin(): string {
    return new URL(this.h.url('console')).origin;
  }

  get marketplaceOrigin(): string {
    return new URL(this.h.url('marketplace')).origin;
  }

  get poolDomain(): string {
    return this.h.ctx.target.poolDomain;
  }

  /** Starts the Organization watch and the `catalyst.>` tap (before the redeem, so nothing is missed). */
  async startObservers(): Promise<void> {
    try {
      await this.orgWatch.start();
    } catch (e) {
      this.state.orgWatchError = `cannot watch organizations.orgs.openova.io on ${this.h.primary.name}: ${describeError(e)}`;
    }
    const nats = this.h.ctx.target.nats;
    if (!nats) {
      this.state.tapError = 'the target names no NATS endpoint (target.nats.url)';
      return;
    }
    try {
      this.state.tap = await CatalystTap.start(nats.url, new Date(Date.now() - 1_000));
    } catch (e) {
      this.state.tapError = `cannot tap catalyst.> on ${nats.url}: ${(e as Error).message}`;
    }
  }

  async actor(name: string, storage?: StorageState): Promise<Actor> {
    const a = await this.browser.actor(name, this.cfg.uiTimeoutMs, storage);
    this.actors.set(name, a);
    if (name === 'customer') this.recordNavigations(a.page);
    return a;
  }

  page(name: string): Page | undefined {
    return this.actors.get(name)?.page;
  }

  async closeActor(name: string): Promise<Evidence | undefined> {
    if (!this.actors.delete(name)) return undefined;
    return this.browser.close(name);
  }

  async shot(g: GateRun, actor: string, surface: string, description: string): Promise<void> {
    const page = this.page(actor);
    if (!page) return;
    const e = await this.browser.screenshot(page, surface, description);
    if (e) g.attach(e);
  }

  /**
   * Waits for a mail; when none comes, the recipient's inbox as it stood is attached as the
   * screenshot of where the journey stopped.
   */
  async waitForMail(g: GateRun, q: MailQuery): Promise<Message> {
    try {
      return await this.mailbox.waitFor(q);
    } catch (e) {
      if (e instanceof MailTimeoutError) g.attach(await this.browser.renderShot(inboxHtml(q, e.others, this.mailbox.describe), 'inbox-stopped', `inbox of ${q.to} when the wait ended`));
      throw e;
    }
  }

  /** The failed or blocked gate behind `ids`, as a block for a hop that needs them. */
  blocker(ids: string[]): { rootCause: string; reason: string } | undefined {
    for (const id of ids) {
      const g = this.gates.get(id);
      if (!g) return { rootCause: id, reason: `${id} was not judged before this gate` };
      if (g.status === 'passed') continue;
      if (g.status !== 'blocked') return { rootCause: id, reason: `needs ${id}, which ${g.status}: ${g.reason}` };
      const root = g.rootCause ?? id;
      return { rootCause: root, reason: `needs ${id}, blocked by ${root}: ${this.gates.get(root)?.reason ?? g.reason}` };
    }
    return undefined;
  }

  async hop(spec: JourneyGateSpec, opts: HopOptions, body: (g: GateRun) => Promise<string>): Promise<Gate> {
    const g = new GateRun(spec.id, 'journeys', spec.title, spec.labels, opts.needs.length ? opts.needs : undefined);
    for (const m of opts.metrics ?? []) g.metric(m, null);
    const blocked = opts.runnable ? opts.runnable() : this.blocker(opts.needs);
    if (blocked) return this.record(g.block(blocked.rootCause, blocked.reason));
    let gate: Gate;
    try {
      gate = g.pass(await body(g));
    } catch (e) {
      if (opts.actor) await this.shot(g, opts.actor, `${spec.id.split('/')[1]}-stopped`, `where the ${opts.actor}'s browser stopped`);
      for (const a of opts.closeOnFailure ?? []) await this.attachHar(g, a);
      // Playwright appends a multi-line call log; the first line names the problem.
      const message = redact(((e as Error)?.message ?? String(e)).split('\n')[0]);
      gate = isTargetFailure(e) ? g.fail(message) : g.error(`harness error: ${message}`);
    }
    for (const a of opts.closeAlways ?? []) await this.attachHar(g, a);
    return this.record({ ...gate, evidence: [...gate.evidence] });
  }

  private async attachHar(g: GateRun, actor: string): Promise<void> {
    const har = await this.closeActor(actor);
    if (har) g.attach(har);
  }

  private record(gate: Gate): Gate {
    this.gates.set(gate.id, gate);
    return gate;
  }

  private recordNavigations(page: Page): void {
    page.on('request', (r) => {
      if (r.isNavigationRequest() && r.frame() === page.mainFrame()) this.state.navigations.push({ url: r.url(), at: new Date().toISOString() });
    });
  }

  async close(): Promise<void> {
    this.orgWatch.stop();
    await this.state.tap?.stop().catch(() => {});
    await this.mailbox.close().catch(() => {});
    await this.browser.closeAll();
  }
}

const esc = (t: string) => redact(t).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
/** Subjects may carry sign-in codes nobody read (so none is registered as a secret). */
const maskCodes = (subject: string) => subject.replace(/\d(?:[ \u00a0]?\d){5}/g, '••••••');

function inboxHtml(q: MailQuery, messages: Message[], mailbox: string): string {
  const rows = messages.map((m) => `<tr><td>${esc(m.date)}</td><td>${esc(m.from)}</td><td>${esc(maskCodes(m.subject))}</td></tr>`).join('');
  return `<body style="font:14px system-ui;margin:24px"><h1 style="font-size:18px">Inbox of ${esc(q.to)}</h1>
<p>${esc(mailbox)} · since ${esc(new Date(q.since).toISOString())} · waited ${q.timeoutMs} ms for a subject matching ${esc(String(q.subjectMatches))}</p>
<table border="1" cellpadding="6" style="border-collapse:collapse"><tr><th>Received</th><th>From</th><th>Subject</th></tr>${rows || '<tr><td colspan="3">no messages</td></tr>'}</table></body>`;
}

/**
 * The target's failures: a check that did not hold, a mail that never came, a page element the
 * UI never offered (a Playwright timeout). Anything else unexpected is the harness's.
 */
function isTargetFailure(e: unknown): e is Error {
  return e instanceof HopFailure || e instanceof MailTimeoutError || e instanceof errors.TimeoutError;
}
