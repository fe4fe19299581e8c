/**
 * The billing service's vouchers (PromoCode rows, `core/services/billing/handlers/vouchers.go`)
 * and the voucher code policy (`core/services/shared/voucher/code.go`, #5223).
 */
import { randomInt } from 'node:crypto';

export interface PromoCode {
  code: string;
  credit_omr: number;
  description: string;
  active: boolean;
  /** 0 = unlimited. */
  max_redemptions: number;
  times_redeemed: number;
  created_at: string;
  deleted_at?: string;
  /** Slugs of the Organizations that redeemed it (the console's "Redeemed by" column). */
  redeemed_by: string[];
}

export const POLICY_TOO_SHORT = 'Voucher code must be at least 12 characters — or leave it blank to auto-generate a strong code.';
export const POLICY_TOO_PREDICTABLE =
  'Voucher code is too predictable (needs at least 6 distinct characters) — mix letters and digits, or leave it blank to auto-generate a strong code.';

const GENERATED_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** The policy's verdict on a supplied code: an error message, or undefined when acceptable. */
export function codePolicyError(code: string): string | undefined {
  if (code === '') return undefined;
  const bare = code.replace(/-/g, '');
  if (bare.length < 12) return POLICY_TOO_SHORT;
  if (new Set(bare.toUpperCase()).size < 6) return POLICY_TOO_PREDICTABLE;
  return undefined;
}

export function generateCode(): string {
  let s = 'VCH-';
  for (let i = 0; i < 12; i++) s += GENERATED_ALPHABET[randomInt(GENERATED_ALPHABET.length)];
  return s;
}

export type PreviewResult =
  | { status: 200 | 410; body: { code: string; credit_omr: number; description: string; active: boolean; accepting_redemptions: boolean } }
  | { status: 404; body: { error: 'voucher not valid' } };

export class VoucherBook {
  private readonly rows = new Map<string, PromoCode>();

  /** Upsert (resurrects a soft-deleted code), as the billing service's issue handler does. */
  issue(input: { code: string; credit_omr: number; description?: string; active?: boolean; max_redemptions?: number }): PromoCode {
    const code = (input.code || generateCode()).toUpperCase();
    const prev = this.rows.get(code);
    const row: PromoCode = {
      code,
      credit_omr: input.credit_omr,
      description: input.description ?? '',
      active: input.active ?? true,
      max_redemptions: Math.max(0, Math.floor(input.max_redemptions ?? 0)),
      times_redeemed: prev?.times_redeemed ?? 0,
      created_at: prev?.created_at ?? new Date().toISOString(),
      redeemed_by: prev?.redeemed_by ?? [],
    };
    this.rows.set(code, row);
    return row;
  }

  list(): PromoCode[] {
    return [...this.rows.values()].filter((r) => !r.deleted_at).sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  revoke(code: string): boolean {
    const row = this.rows.get(code.toUpperCase());
    if (!row || row.deleted_at) return false;
    row.deleted_at = new Date().toISOString();
    return true;
  }

  preview(code: string): PreviewResult {
    const row = this.rows.get(code.trim().toUpperCase());
    if (!row || row.deleted_at) return { status: 404, body: { error: 'voucher not valid' } };
    const accepting = row.active && (row.max_redemptions === 0 || row.times_redeemed < row.max_redemptions);
    const body = { code: row.code, credit_omr: row.credit_omr, description: row.description, active: row.active, accepting_redemptions: accepting };
    return { status: accepting ? 200 : 410, body };
  }

  /** Counts a redemption inside checkout; the caller has checked `preview` first. */
  redeem(code: string, slug: string): void {
    const row = this.rows.get(code.trim().toUpperCase());
    if (!row) throw new Error(`voucher ${code} does not exist`);
    row.times_redeemed += 1;
    row.redeemed_by.push(slug);
  }
}
