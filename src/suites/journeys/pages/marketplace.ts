/** The storefront funnel on `marketplace.<sov>` (§4.3): redeem → plans → apps → add-ons → BCP → review. */
import type { Locator, Page } from 'playwright-core';
import { callCausedBy, expectUrl, expectVisible, fail, type ApiCall } from '../hop.js';

export type RedeemOutcome = 'valid' | 'not-valid' | 'ended' | 'no-code';

const OUTCOME_HEADINGS: [RedeemOutcome, RegExp][] = [
  ['valid', /^Voucher valid$/],
  ['not-valid', /^Voucher not valid$/],
  ['ended', /^This campaign has ended$/],
  ['no-code', /^No voucher code$/],
];

export class RedeemPage {
  constructor(private readonly page: Page, private readonly timeoutMs: number) {}

  get credit(): Locator {
    return this.page.locator('#redeem-valid-credit');
  }

  get cta(): Locator {
    return this.page.getByRole('button', { name: /plan|continue|redeem|get started/i }).or(this.page.getByRole('link', { name: /choose a plan|continue|get started/i }));
  }

  /** Opens the link and waits for the page to settle on one of its outcomes; returns it with the preview call. */
  async open(link: string): Promise<{ outcome: RedeemOutcome; preview?: ApiCall }> {
    let preview: ApiCall | undefined;
    const call = callCausedBy(this.page, 'POST', /\/vouchers\/redeem-preview$/, 'redeem preview', this.timeoutMs, async () => {
      await this.page.goto(link);
    })
      .then((c) => (preview = c))
      .catch(() => undefined);
    const heading = this.page.getByRole('heading', { level: 1 });
    const any = heading.filter({ hasText: /^(Voucher valid|Voucher not valid|This campaign has ended|No voucher code)$/ });
    await expectVisible(any, `the redeem page's verdict (one of "Voucher valid", "Voucher not valid", "This campaign has ended")`, this.timeoutMs);
    await call;
    const text = (await any.first().innerText()).trim();
    const outcome = OUTCOME_HEADINGS.find(([, re]) => re.test(text))?.[0] ?? fail(`unexpected redeem heading "${text}"`);
    return { outcome, preview };
  }
}

export class FunnelPages {
  constructor(private readonly page: Page, private readonly timeoutMs: number) {}

  private continueButton(): Locator {
    return this.page.getByRole('button', { name: /^continue/i });
  }

  async atPath(path: string, what: string): Promise<void> {
    await expectUrl(this.page, new RegExp(`^${path}/?$`), what, this.timeoutMs);
    await expectVisible(this.page.getByRole('heading', { level: 1 }), `the ${what} heading`, this.timeoutMs);
  }

  /** Picks the first plan on offer; returns its label. */
  async choosePlan(): Promise<string> {
    await this.atPath('/plans', 'plans page');
    const select = this.page.getByRole('button', { name: /^select\b|^choose\b/i }).first();
    await expectVisible(select, 'a plan\'s select button', this.timeoutMs);
    const label = (await select.getAttribute('aria-label')) ?? (await select.innerText());
    await select.click();
    return label.replace(/^(select|choose)\s*/i, '').trim() || label;
  }

  /** Ticks the first app on offer (apps are free); returns its label. */
  async chooseApp(): Promise<string> {
    await this.atPath('/apps', 'apps page');
    const box = this.page.getByRole('checkbox').first();
    await expectVisible(box, 'an app to choose', this.timeoutMs);
    await box.check();
    const label = (await box.locator('xpath=ancestor::label[1]').innerText().catch(() => '')).trim();
    await this.continueButton().click();
    return label;
  }

  get subdomain(): Locator {
    return this.page.getByPlaceholder('my-company');
  }

  get domainSelect(): Locator {
    return this.page.getByRole('combobox', { name: /domain/i });
  }

  get availability(): Locator {
    return this.page.getByText(/is available|is already taken|at least 3 characters/);
  }

  /** Types the subdomain and picks the pool domain; returns the availability check and its text. */
  async chooseSubdomain(slug: string, poolDomain: string): Promise<{ check?: ApiCall; text: string }> {
    await this.atPath('/addons', 'add-ons page');
    await expectVisible(this.subdomain, 'the Subdomain input (placeholder my-company)', this.timeoutMs);
    const offered = await this.domainSelect.locator('option').allTextContents();
    if (!offered.map((o) => o.trim()).includes(poolDomain)) fail(`the pool domain ${poolDomain} is not offered (offered: ${offered.join(', ') || 'none'})`);
    await this.domainSelect.selectOption(poolDomain);
    const check = await callCausedBy(this.page, 'GET', /\/api\/tenant\/check-slug\/[^/]+$/, 'subdomain availability check', this.timeoutMs, () =>
      this.subdomain.fill(slug),
    ).catch(() => undefined);
    await expectVisible(this.availability, 'the subdomain availability verdict', this.timeoutMs);
    return { check, text: (await this.availability.first().innerText()).trim() };
  }

  async leaveAddons(): Promise<void> {
    await this.continueButton().click();
  }

  async chooseTopology(topology: RegExp): Promise<void> {
    await this.atPath('/bcp', 'BCP page');
    const radio = this.page.getByRole('radio', { name: topology });
    await expectVisible(radio, `the ${topology} topology option`, this.timeoutMs);
    await radio.check();
    await this.continueButton().click();
  }

  async review(): Promise<void> {
    await this.atPath('/review', 'review page');
    await this.page.getByRole('button', { name: /checkout|continue/i }).first().click();
  }
}
