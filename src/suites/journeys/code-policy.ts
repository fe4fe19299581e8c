/**
 * The voucher code policy as upstream states it (`voucherCodePolicy.ts`, #5223, server
 * `core/services/shared/voucher/code.go`): blank = server-generated `VCH-XXXXXXXXXXXX`; a
 * supplied code needs ≥ 12 characters (hyphens stripped) and ≥ 6 distinct characters.
 */
import { randomInt } from 'node:crypto';

export const POLICY_TOO_SHORT = 'Voucher code must be at least 12 characters — or leave it blank to auto-generate a strong code.';
/** Upstream's message continues after this prefix; only the prefix is contractual. */
export const POLICY_TOO_PREDICTABLE_PREFIX = 'Voucher code is too predictable (needs at least 6 distinct characters)';

export const AUTO_CODE = /^VCH-[A-Z0-9]{12}$/;

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function meetsPolicy(code: string): boolean {
  const bare = code.replace(/-/g, '').toUpperCase();
  return code === '' || (bare.length >= 12 && new Set(bare).size >= 6);
}

/** A policy-compliant code carrying the run tag, e.g. `SW-A1B2-7KQ9XM3P`. */
export function generateVoucherCode(runTag: string): string {
  const tag = runTag.replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(-4).padStart(4, 'X');
  for (;;) {
    let tail = '';
    for (let i = 0; i < 8; i++) tail += ALPHABET[randomInt(ALPHABET.length)];
    const code = `SW-${tag}-${tail}`;
    if (meetsPolicy(code)) return code;
  }
}

/** Codes that break each rule, with the message the modal must show. */
export const POLICY_VIOLATIONS: readonly { code: string; rule: string; message: string; exact: boolean }[] = [
  { code: 'SW-SHORT-1', rule: 'fewer than 12 characters', message: POLICY_TOO_SHORT, exact: true },
  { code: 'ABAB-ABAB-ABAB-ABAB', rule: 'fewer than 6 distinct characters', message: POLICY_TOO_PREDICTABLE_PREFIX, exact: false },
];
