/**
 * The Sovereign Console's emailed-PIN sign-in (§4.1): `/login` posts `/api/v1/auth/pin/issue`
 * and routes to `/login/verify?email=…&requestId=…`, where the PIN is typed and
 * `/api/v1/auth/pin/verify` sets the `catalyst_session` cookie.
 */
import type { Locator, Page } from 'playwright-core';
import { callCausedBy, expectUrl, expectVisible, type ApiCall } from '../hop.js';

export class ConsoleLoginPage {
  constructor(private readonly page: Page, private readonly origin: string, private readonly timeoutMs: number) {}

  get emailInput(): Locator {
    return this.page.getByRole('textbox', { name: /e-?mail/i });
  }

  get sendButton(): Locator {
    return this.page.getByRole('button', { name: /send|sign[- ]?in code|continue/i });
  }

  /** On the verify page every textbox of the form is a PIN box (one box or six). */
  get pinInputs(): Locator {
    return this.page.locator('form').getByRole('textbox');
  }

  get verifyButton(): Locator {
    return this.page.getByRole('button', { name: /verify|sign in/i });
  }

  get alert(): Locator {
    return this.page.getByRole('alert');
  }

  async open(): Promise<void> {
    await this.page.goto(`${this.origin}/login`);
    await expectVisible(this.emailInput, 'the console login e-mail field', this.timeoutMs);
  }

  /** Types the e-mail and asks for a PIN; returns the issue call (200, 429 …). */
  async requestPin(email: string): Promise<ApiCall> {
    await this.emailInput.fill(email);
    return callCausedBy(this.page, 'POST', /\/api\/v1\/auth\/pin\/issue$/, 'PIN request', this.timeoutMs, () => this.sendButton.first().click());
  }

  /** The verify page's URL (it carries the requestId, never the PIN). */
  async verifyUrl(): Promise<URL> {
    return expectUrl(this.page, /\/login\/verify\/?$/, 'after the PIN request', this.timeoutMs);
  }

  /** Empties the PIN boxes a failed attempt may have left filled. */
  async clearPin(): Promise<void> {
    await expectVisible(this.pinInputs, 'the PIN input', this.timeoutMs);
    for (const box of await this.pinInputs.all()) await box.fill('');
  }

  async enterPin(pin: string): Promise<void> {
    await expectVisible(this.pinInputs, 'the PIN input', this.timeoutMs);
    await this.pinInputs.first().click();
    await this.page.keyboard.type(pin);
  }

  async submitPin(): Promise<ApiCall> {
    return callCausedBy(this.page, 'POST', /\/api\/v1\/auth\/pin\/verify$/, 'PIN verification', this.timeoutMs, () => this.verifyButton.first().click());
  }
}
