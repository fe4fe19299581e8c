/**
 * `/launching?host=&token=&next=` polls the per-Org console's `/healthz`, then hands over to
 * `https://console.<slug>.<pool>/auth/org-handover?token=…`, which lands on the tenant console.
 */
import type { Locator, Page } from 'playwright-core';

export class LaunchingPage {
  constructor(private readonly page: Page) {}

  get failed(): Locator {
    return this.page.getByRole('heading', { name: 'Provisioning failed' });
  }

  /** Resolves when the browser reaches `consoleHost`'s `landingPath`, or the launching page reports failure, or time runs out. */
  async outcome(consoleHost: string, landingPath: RegExp, timeoutMs: number): Promise<'landed' | 'failed' | 'timeout'> {
    const landed = this.page
      .waitForURL((u) => u.hostname === consoleHost && landingPath.test(u.pathname), { timeout: timeoutMs })
      .then(() => 'landed' as const)
      .catch(() => 'timeout' as const);
    const failed = this.failed
      .waitFor({ state: 'visible', timeout: timeoutMs })
      .then(() => 'failed' as const)
      .catch(() => 'timeout' as const);
    const first = await Promise.race([landed, failed.then((f) => (f === 'failed' ? f : landed))]);
    return first;
  }
}

export class TenantConsolePage {
  constructor(private readonly page: Page) {}

  get heading(): Locator {
    return this.page.getByRole('heading', { level: 1 });
  }
}
