/** What the journeys read out of mail: sign-in PINs (registered as secrets at once) and redeem links. */
import type { Message } from '../../mail/mailbox.js';
import { registerSecret } from '../../evidence/redact.js';
import { fail } from './hop.js';

/** The 6-digit code of a sign-in mail (subject first, then the body, where it may be spaced out). */
export function readPin(m: Message): string {
  const spaced = /(?<!\d)(\d(?:[ \u00a0]?\d){5})(?!\d)/;
  for (const text of [m.subject, m.text, m.html.replace(/<[^>]+>/g, ' ')]) {
    const hit = spaced.exec(text);
    if (hit) {
      const pin = hit[1].replace(/\D/g, '');
      registerSecret(pin);
      return pin;
    }
  }
  fail(`the sign-in mail "${m.subject}" holds no 6-digit code`);
}

export type LinkForm = 'slash' | 'plain';

/** Every redeem link in the mail (text and HTML), de-duplicated, HTML entities undone. */
export function redeemLinks(m: Message): string[] {
  const found = new Set<string>();
  const re = /https?:\/\/[^\s"'<>]+\/redeem\/?\?[^\s"'<>]+/g;
  for (const text of [m.text, m.html]) for (const hit of text.matchAll(re)) found.add(hit[0].replace(/&amp;/g, '&'));
  return [...found];
}

export function linkForm(link: string): LinkForm {
  return new URL(link).pathname.endsWith('/redeem/') ? 'slash' : 'plain';
}

/** The DoD contract's link for a code in the given form. */
export function contractLink(sovereign: string, code: string, form: LinkForm): string {
  return `https://marketplace.${sovereign}/redeem${form === 'slash' ? '/' : ''}?code=${code}`;
}

/** Mail as evidence: headers and links always; bodies only for mails without credentials. */
export function mailEvidence(m: Message, opts: { body: boolean; links?: string[] }): Record<string, unknown> {
  return {
    id: m.id,
    from: m.from,
    to: m.to,
    subject: m.subject,
    receivedAt: m.date,
    headers: m.headers,
    ...(opts.links ? { links: opts.links } : {}),
    ...(opts.body ? { text: m.text } : { text: '[withheld: the mail carries a sign-in code]' }),
  };
}
