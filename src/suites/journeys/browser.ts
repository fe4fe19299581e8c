/**
 * Debian's Chromium for the journeys (never a downloaded browser), with the target's host
 * mapping and CA (chromium-trust.ts; certificate checks stay on), one context per actor
 * recording a HAR, and screenshots written as evidence.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { Harness } from '../../run/harness.js';
import { scratchDir } from '../../run/scratch.js';
import type { Evidence } from '../../gates/types.js';
import { harEvidence } from './har.js';
import { launchChromium, type LaunchedChromium } from './chromium-trust.js';

/**
 * A page that navigates right after an API call takes the response body with it (Chromium
 * evicts it), so the page's own fetch hands each JSON answer to the harness before the app sees
 * it. Instrumenting fetch is the only way to read those bodies from the browser's side.
 */
const FETCH_TAP = `(() => {
  const send = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const res = await send(input, init);
    try {
      const method = ((init && init.method) || (input instanceof Request ? input.method : 'GET')).toUpperCase();
      if ((res.headers.get('content-type') || '').includes('json')) {
        await window.__swRecordApi({ url: res.url, method, status: res.status, text: await res.clone().text() });
      }
    } catch (e) {}
    return res;
  };
})();`;

export interface RecordedCall {
  url: string;
  method: string;
  status: number;
  text: string;
}

/** JSON answers the pages' fetch calls received, oldest first; each is taken once. */
export class ApiLog {
  private readonly calls: RecordedCall[] = [];

  add(call: RecordedCall): void {
    this.calls.push(call);
  }

  take(method: string, url: string): RecordedCall | undefined {
    const i = this.calls.findIndex((c) => c.method === method && c.url === url);
    return i < 0 ? undefined : this.calls.splice(i, 1)[0];
  }
}

const apiLogs = new WeakMap<BrowserContext, ApiLog>();

export function apiLogOf(page: Page): ApiLog | undefined {
  return apiLogs.get(page.context());
}

/** Inputs that may hold a one-time code; masked on every screenshot. */
const OTP_INPUTS = 'input[autocomplete="one-time-code"], [data-testid$="-pin"] input';

export interface Actor {
  name: string;
  context: BrowserContext;
  page: Page;
}

export class JourneyBrowser {
  /** Raw HAR files (unredacted until they become evidence): removed on close or when the walk exits. */
  private readonly har = scratchDir('sw-har');
  private readonly open = new Map<string, Actor>();

  private constructor(private readonly h: Harness, private readonly chromium: LaunchedChromium) {}

  private get browser() {
    return this.chromium.browser;
  }

  static async launch(h: Harness): Promise<JourneyBrowser> {
    return new JourneyBrowser(h, await launchChromium(h.ctx.target.caFile, h.http.chromiumArgs()));
  }

  /** A fresh browser context (own cookies, own storage) recording a HAR. */
  async actor(name: string, timeoutMs: number, storageState?: Awaited<ReturnType<BrowserContext['storageState']>>): Promise<Actor> {
    const context = await this.browser.newContext({
      recordHar: { path: join(this.har.path, `${name}.har`), content: 'embed' },
      storageState,
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(timeoutMs);
    const log = new ApiLog();
    apiLogs.set(context, log);
    await context.exposeBinding('__swRecordApi', (_source, call: RecordedCall) => log.add(call));
    await context.addInitScript(FETCH_TAP);
    const page = await context.newPage();
    const actor = { name, context, page };
    this.open.set(name, actor);
    return actor;
  }

  async screenshot(page: Page, surface: string, description: string, mask: Locator[] = []): Promise<Evidence | undefined> {
    if (page.isClosed()) return undefined;
    try {
      const png = await page.screenshot({ fullPage: true, mask: [page.locator(OTP_INPUTS), ...mask], timeout: 10_000 });
      return this.h.evidence.write({ surface: `journey-${surface}`, kind: 'screenshot', ext: 'png', content: png, description });
    } catch {
      // A page that is navigating away or crashed has nothing to show; the gate still reports why.
      return undefined;
    }
  }

  /** Renders a mail as its recipient would see it, offline and without scripts, as a screenshot. */
  async renderShot(html: string, surface: string, description: string): Promise<Evidence> {
    const context = await this.browser.newContext({ javaScriptEnabled: false, offline: true, viewport: { width: 900, height: 600 } });
    try {
      const page = await context.newPage();
      await page.setContent(html);
      const png = await page.screenshot({ fullPage: true });
      return this.h.evidence.write({ surface: `journey-${surface}`, kind: 'screenshot', ext: 'png', content: png, description });
    } finally {
      await context.close();
    }
  }

  /** Closes the actor's context and stores its HAR (credentials registered and masked). */
  async close(name: string): Promise<Evidence | undefined> {
    const actor = this.open.get(name);
    if (!actor) return undefined;
    this.open.delete(name);
    await actor.context.close();
    const path = join(this.har.path, `${name}.har`);
    try {
      return this.h.evidence.write({ surface: `journey-${name}`, kind: 'har', ext: 'har', content: harEvidence(readFileSync(path, 'utf8')), description: `HAR of the ${name}'s browser session` });
    } catch {
      return undefined;
    }
  }

  /** Cleanup: contexts nobody closed leave no evidence (no gate would show it). */
  async closeAll(): Promise<void> {
    for (const actor of this.open.values()) await actor.context.close().catch(() => {});
    this.open.clear();
    await this.chromium.close();
    this.har.remove();
  }
}
