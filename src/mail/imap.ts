/**
 * Mailbox adapter for IMAP (live Sovereigns deliver to a real mailbox): imapflow opens INBOX
 * read-only, `UID SEARCH TO <addr> SINCE <day>` finds candidates, `UID FETCH` brings their source,
 * mailparser turns it into text, HTML and header lines. IMAP SINCE has day granularity, so the
 * exact time filter uses the server's INTERNALDATE.
 */
import { ImapFlow, type SearchObject } from 'imapflow';
import { simpleParser } from 'mailparser';
import { CLOCK_SKEW_MS, MailboxError, pollFor, type MailQuery, type Mailbox, type Message } from './mailbox.js';

export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
}

const POLL_MS = 1_000;

export class ImapMailbox implements Mailbox {
  private client?: ImapFlow;
  private readonly consumed = new Set<string>();

  constructor(private readonly settings: ImapSettings) {}

  get describe(): string {
    return `imap ${this.settings.user}@${this.settings.host}:${this.settings.port}`;
  }

  /** The IMAP search criteria for a mail query (exported for the adapter's tests). */
  static searchCriteria(q: Pick<MailQuery, 'to' | 'since'>): SearchObject {
    return { to: q.to, since: new Date(q.since - CLOCK_SKEW_MS) };
  }

  waitFor(q: MailQuery): Promise<Message> {
    return pollFor(q, this.describe, this.consumed, () => this.candidates(q), POLL_MS);
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c?.usable) await c.logout().catch(() => c.close());
  }

  private async connection(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    const { host, port, secure, user, password } = this.settings;
    const client = new ImapFlow({ host, port, secure, auth: { user, pass: password }, logger: false, disableAutoIdle: true });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.mailboxOpen('INBOX', { readOnly: true });
    } catch (e) {
      client.close();
      throw new MailboxError(`${this.describe}: ${(e as Error).message}`);
    }
    this.client = client;
    return client;
  }

  private async candidates(q: MailQuery): Promise<Message[]> {
    const client = await this.connection();
    try {
      // NOOP lets the server report messages that arrived since the last poll.
      await client.noop();
      const uids = await client.search(ImapMailbox.searchCriteria(q), { uid: true });
      if (!uids || !uids.length) return [];
      const fetched = await client.fetchAll(uids.join(','), { uid: true, internalDate: true, source: true }, { uid: true });
      const out: Message[] = [];
      for (const f of fetched) {
        if (!f.source) continue;
        out.push(await toMessage(this.idOf(client, f.uid), f.source, f.internalDate));
      }
      return out.sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
    } catch (e) {
      if (e instanceof MailboxError) throw e;
      throw new MailboxError(`${this.describe}: ${(e as Error).message}`);
    }
  }

  private idOf(client: ImapFlow, uid: number): string {
    const mb = client.mailbox;
    return `${mb ? String(mb.uidValidity) : '0'}:${uid}`;
  }
}

async function toMessage(id: string, source: Buffer, internalDate: Date | string | undefined): Promise<Message> {
  const parsed = await simpleParser(source);
  const headers: Record<string, string[]> = {};
  for (const h of parsed.headerLines) {
    const value = h.line.slice(h.line.indexOf(':') + 1).trim();
    (headers[h.key.toLowerCase()] ??= []).push(value);
  }
  const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
  const date = internalDate ? new Date(internalDate) : parsed.date ?? new Date(0);
  return {
    id,
    from: parsed.from?.value[0]?.address ?? '',
    to: to.filter(Boolean),
    subject: parsed.subject ?? '',
    date: date.toISOString(),
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    headers,
  };
}
