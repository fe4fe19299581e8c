/**
 * `/checkout` (CheckoutStep.svelte, §4.3): "Sign in to continue" with an e-mailed PIN
 * (`checkout-pin`), then the Organization name, the read-only `<sub>.<tld>`, the order summary
 * and the order button that creates the Organization and checks out.
 */
import type { Locator, Page } from 'playwright-core';
import { callCausedBy, expectVisible, type ApiCall } from '../hop.js';

export class CheckoutPage {
  constructor(private readonly page: Page, private readonly timeoutMs: number) {}

  get heading(): Locator {
    return this.page.getByRole('heading', { name: 'Sign in to continue' });
  }

  get email(): Locator {
    return this.page.getByPlaceholder('you@company.com');
  }

  get pin(): Locator {
    return this.page.getByTestId('checkout-pin');
  }

  get orgName(): Locator {
    return this.page.getByPlaceholder('My Company');
  }

  get emailPill(): Locator {
    return this.page.locator('#checkout-email-pill-text');
  }

  get creditCovers(): Locator {
    return this.page.getByText('✓ Credit covers this order — no card charge needed.');
  }

  get alert(): Locator {
    return this.page.getByRole('alert');
  }

  async requestCode(email: string): Promise<ApiCall> {
    await expectVisible(this.heading, 'the checkout\'s "Sign in to continue"', this.timeoutMs);
    await this.email.fill(email);
    return callCausedBy(this.page, 'POST', /\/api\/auth\/(magic-link|send-pin)$/, 'checkout sign-in code request', this.timeoutMs, () =>
      this.page.getByRole('button', { name: /send sign-in code/i }).click(),
    );
  }

  async enterCode(code: string): Promise<ApiCall> {
    await expectVisible(this.pin, 'the 6-box PIN input (checkout-pin)', this.timeoutMs);
    await this.pin.getByRole('textbox').first().click();
    await this.page.keyboard.type(code);
    return callCausedBy(this.page, 'POST', /\/api\/auth\/(verify|verify-pin)$/, 'checkout PIN verification', this.timeoutMs, () =>
      this.page.getByRole('button', { name: /verify/i }).click(),
    );
  }

  /** `<sub>.<tld>` as the order form shows it. */
  subdomainShown(fqdn: string): Locator {
    return this.page.getByText(fqdn, { exact: true });
  }

  get placeOrder(): Locator {
    return this.page.getByRole('button', { name: /^(place order|launch|complete order)/i });
  }
}
