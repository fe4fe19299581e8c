/** What a journey hop throws when the target misbehaves, and the waits that produce it. */
import type { Locator, Page, Request, Response } from 'playwright-core';
import { apiLogOf } from './browser.js';

/** The target did not do what the DoD expects: the gate fails with this message. */
export class HopFailure extends Error {
  override name = 'HopFailure';
}

export function fail(message: string): never {
  throw new HopFailure(message);
}

/** Waits for `locator` to be visible; a timeout is the target's failure, named by `what`. */
export async function expectVisible(locator: Locator, what: string, timeoutMs: number): Promise<void> {
  try {
    // Any visible match will do (an `or` of alternatives, a list of rows).
    await locator.filter({ visible: true }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    fail(`${what} did not show within ${Math.round(timeoutMs / 1000)} s`);
  }
}

export async function expectUrl(page: Page, path: RegExp, what: string, timeoutMs: number): Promise<URL> {
  try {
    await page.waitForURL((u) => path.test(u.pathname), { timeout: timeoutMs });
  } catch {
    fail(`${what}: the browser stayed at ${page.url()} (expected a path matching ${path}) for ${Math.round(timeoutMs / 1000)} s`);
  }
  return new URL(page.url());
}

export interface ApiCall {
  status: number;
  body: Record<string, unknown>;
  request: Request;
}

const pathOf = (u: string) => new URL(u).pathname;

/**
 * Runs `action` (a click) and returns the API call it caused: the first `method` request whose
 * path matches `path`, with its response status and JSON body.
 */
export async function callCausedBy(page: Page, method: string, path: RegExp, what: string, timeoutMs: number, action: () => Promise<void>): Promise<ApiCall> {
  const matches = (r: Request) => r.method() === method && path.test(pathOf(r.url()));
  const response = page.waitForResponse((r: Response) => matches(r.request()), { timeout: timeoutMs }).catch(() => undefined);
  await action();
  const r = await response;
  if (!r) fail(`${what}: no ${method} ${path} answered within ${Math.round(timeoutMs / 1000)} s of the click`);
  return { status: r.status(), body: parseObject(await bodyOf(page, r)), request: r.request() };
}

/** The body as the page's fetch saw it (see FETCH_TAP), else from the browser's network log. */
async function bodyOf(page: Page, r: Response): Promise<string> {
  const log = apiLogOf(page);
  const deadline = Date.now() + BODY_WAIT_MS;
  for (;;) {
    const recorded = log?.take(r.request().method(), r.url());
    if (recorded) return recorded.text;
    if (!log || Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  return r.text().catch(() => '');
}

/** A response's JSON object body (empty when it has none). */
export async function responseBody(page: Page, r: Response): Promise<Record<string, unknown>> {
  return parseObject(await bodyOf(page, r));
}

/** How long a fetch's recorded body may trail the response event. */
const BODY_WAIT_MS = 1_000;

function parseObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * An API call made by the signed-in browser itself (its cookies, its host mapping), from a page
 * already on the target origin.
 */
export async function browserFetch(page: Page, path: string, init: { method: string; json?: unknown }): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await page.evaluate(
    async ({ path, method, json }) => {
      const res = await fetch(path, { method, headers: json === undefined ? {} : { 'content-type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json) });
      return { status: res.status, text: await res.text() };
    },
    { path, method: init.method, json: init.json },
  );
  return { status: r.status, body: parseObject(r.text) };
}
