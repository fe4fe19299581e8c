/** BSS → Vouchers (§4.2, VouchersPage @01c150ec): table, status pills and the issue modal, by test id. */
import type { Locator, Page } from 'playwright-core';
import { callCausedBy, expectVisible, fail, type ApiCall } from '../hop.js';

export interface IssueVoucherInput {
  code: string;
  creditOmr: number;
  description?: string;
  maxRedemptions?: number;
  recipient?: string;
}

export class VouchersPage {
  constructor(private readonly page: Page, private readonly origin: string, private readonly timeoutMs: number) {}

  get table(): Locator {
    return this.page.getByTestId('bss-vouchers-table');
  }

  get empty(): Locator {
    return this.page.getByTestId('bss-vouchers-empty');
  }

  get issueCta(): Locator {
    return this.page.getByTestId('bss-vouchers-issue-cta');
  }

  get modal(): Locator {
    return this.page.getByTestId('bss-issue-voucher-modal');
  }

  get modalError(): Locator {
    return this.page.getByTestId('bss-issue-voucher-error');
  }

  row(code: string): Locator {
    return this.page.getByTestId(`bss-voucher-row-${code}`);
  }

  status(code: string): Locator {
    return this.page.getByTestId(`bss-voucher-status-${code}`);
  }

  /** Opens the legacy route and follows it to wherever the router sends it; returns that path. */
  async openFrom(legacyPath: string): Promise<string> {
    await this.page.goto(`${this.origin}${legacyPath}`);
    await expectVisible(this.table.or(this.empty), 'the vouchers table (or its empty state)', this.timeoutMs);
    return new URL(this.page.url()).pathname;
  }

  async openModal(): Promise<void> {
    await this.issueCta.click();
    await expectVisible(this.modal, 'the "Issue voucher" modal', this.timeoutMs);
  }

  async fill(input: IssueVoucherInput): Promise<void> {
    const m = this.modal;
    await m.getByTestId('bss-issue-voucher-code').fill(input.code);
    await m.getByTestId('bss-issue-voucher-credit').fill(String(input.creditOmr));
    await m.getByTestId('bss-issue-voucher-description').fill(input.description ?? '');
    await m.getByTestId('bss-issue-voucher-max-redemptions').fill(input.maxRedemptions === undefined ? '' : String(input.maxRedemptions));
    await m.getByTestId('bss-issue-voucher-recipient').fill(input.recipient ?? '');
  }

  /** Submits the modal and returns the issue call it caused. */
  async submit(): Promise<ApiCall> {
    return callCausedBy(this.page, 'POST', /\/vouchers\/issue$/, 'voucher issue', this.timeoutMs, () => this.modal.getByTestId('bss-issue-voucher-submit').click());
  }

  async cancelModal(): Promise<void> {
    await this.modal.getByRole('button', { name: /^cancel$/i }).click();
  }

  /**
   * Submits a modal that must be refused. Resolves with the error shown, or `accepted` when the
   * modal closed instead (the code was issued); `sent` tells whether an issue request went out.
   */
  async submitExpectingRefusal(): Promise<{ outcome: 'refused' | 'accepted'; sent: boolean }> {
    let sent = false;
    const spy = (r: { method(): string; url(): string }) => {
      if (r.method() === 'POST' && /\/vouchers\/issue$/.test(new URL(r.url()).pathname)) sent = true;
    };
    this.page.on('request', spy);
    try {
      await this.modal.getByTestId('bss-issue-voucher-submit').click();
      const refused = this.modalError.waitFor({ state: 'visible', timeout: this.timeoutMs }).then(() => 'refused' as const);
      const closed = this.modal.waitFor({ state: 'hidden', timeout: this.timeoutMs }).then(() => 'accepted' as const);
      const outcome = await Promise.any([refused, closed]).catch(() => fail(`the issue modal neither refused nor accepted the code within ${Math.round(this.timeoutMs / 1000)} s`));
      return { outcome, sent };
    } finally {
      this.page.off('request', spy);
    }
  }
}
