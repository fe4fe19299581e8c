/** The sim's mail store: every message its SMTP listener accepted, newest first. */
import { randomBytes } from 'node:crypto';
import type { ParsedMail, AddressObject } from 'mailparser';

export interface MailAddress {
  Name: string;
  Address: string;
}

export interface StoredMail {
  ID: string;
  MessageID: string;
  From: MailAddress | null;
  To: MailAddress[];
  Cc: MailAddress[];
  Subject: string;
  /** When the SMTP listener accepted it. */
  Created: string;
  Date: string;
  Text: string;
  HTML: string;
  Size: number;
  Read: boolean;
  raw: Buffer;
  /** Header lines as received, canonical names kept. */
  headers: Record<string, string[]>;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Mailpit-style database id: 22 alphanumerics. */
function newId(): string {
  return [...randomBytes(22)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

function addresses(a: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return list.flatMap((o) => o.value.map((v) => ({ Name: v.name ?? '', Address: v.address ?? '' })));
}

export class MailStore {
  private readonly messages: StoredMail[] = [];

  add(parsed: ParsedMail, raw: Buffer, envelopeTo: string[]): StoredMail {
    const now = new Date();
    const headers: Record<string, string[]> = {};
    for (const h of parsed.headerLines) {
      const name = h.line.slice(0, h.line.indexOf(':')).trim();
      (headers[name] ??= []).push(h.line.slice(h.line.indexOf(':') + 1).trim());
    }
    const to = addresses(parsed.to);
    const m: StoredMail = {
      ID: newId(),
      MessageID: (parsed.messageId ?? '').replace(/^<|>$/g, ''),
      From: addresses(parsed.from)[0] ?? null,
      // Bcc recipients only show in the SMTP envelope.
      To: to.length ? to : envelopeTo.map((a) => ({ Name: '', Address: a })),
      Cc: addresses(parsed.cc),
      Subject: parsed.subject ?? '',
      Created: now.toISOString(),
      Date: (parsed.date ?? now).toISOString(),
      Text: parsed.text ?? '',
      HTML: typeof parsed.html === 'string' ? parsed.html : '',
      Size: raw.length,
      Read: false,
      raw,
      headers,
    };
    this.messages.unshift(m);
    return m;
  }

  all(): StoredMail[] {
    return [...this.messages];
  }

  get(id: string): StoredMail | undefined {
    return id === 'latest' ? this.messages[0] : this.messages.find((m) => m.ID === id);
  }

  clear(): void {
    this.messages.length = 0;
  }
}
