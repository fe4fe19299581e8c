/** What a journeys run needs to know beyond the target: who signs in, what to expect, how long to wait. */
import type { RunContext } from '../../run/context.js';

export interface JourneyConfig {
  /** Sign the operator in through `/api/v1/auth/test-session` instead of the emailed PIN. */
  operatorSession: boolean;
  operatorEmail: string;
  customerEmail: string;
  /** The redeem-link form the voucher mail must use: `/redeem/?code=` (DoD contract) or `/redeem?code=`. */
  redeemLinkForm: 'slash' | 'plain';
  /** Leave the code blank so the server generates one. */
  autoVoucherCode: boolean;
  voucherCreditOmr: number;
  /** Budget for one mail to arrive. */
  mailTimeoutMs: number;
  /** Organization created → Ready (DoD: 60 s). */
  orgReadyDeadlineMs: number;
  /** D35: event publish → Organization reconcile start. */
  d35BudgetMs: number;
  /** One UI hop (a page to render, a heading to show). */
  uiTimeoutMs: number;
  /** Organization Ready → tenant console shown. */
  handoverTimeoutMs: number;
  /** Longest Retry-After the harness honours when PIN issuing is rate-limited. */
  maxRateLimitWaitMs: number;
}

export const DEFAULT_JOURNEY_CONFIG: Omit<JourneyConfig, 'operatorSession' | 'operatorEmail' | 'customerEmail' | 'redeemLinkForm' | 'mailTimeoutMs'> = {
  autoVoucherCode: false,
  voucherCreditOmr: 100,
  orgReadyDeadlineMs: 60_000,
  d35BudgetMs: 2_000,
  uiTimeoutMs: 20_000,
  handoverTimeoutMs: 60_000,
  maxRateLimitWaitMs: 65_000,
};

export function journeyConfig(ctx: RunContext, overrides: Partial<JourneyConfig> = {}): JourneyConfig {
  return {
    ...DEFAULT_JOURNEY_CONFIG,
    operatorSession: ctx.options.operatorSession,
    operatorEmail: ctx.options.operatorEmail,
    customerEmail: ctx.options.customerEmail,
    redeemLinkForm: ctx.options.redeemLinkForm,
    mailTimeoutMs: ctx.options.mailTimeoutMs,
    ...overrides,
  };
}
