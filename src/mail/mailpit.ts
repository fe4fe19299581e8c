/**
 * Mailbox adapter for Mailpit's HTTP API (kind clusters and the simulated Sovereign):
 * `GET /api/v1/search?query=to:"…"` for candidates (newest first), then
 * `GET /api/v1/message/{ID}` and `/api/v1/message/{ID}/headers` for the ones that qualify.
 */
import { HttpClient } from '../target/http.js';
import { CLOCK_SKEW_MS, MailboxError, pollFor, type MailQuery, type Mailbox, type Message } from './mailbox.js';

interface Address {
  Name?: string;
  Address: string;
}

interface Summary {
  ID: string;
  From?: Address | null;
  To?: Address[] | null;
  Subject: string;
  Created: string;
}

interface FullMessage extends Summary {
  Date?: string;
  Text?: string;
  HTML?: string;
}

const SEARCH_LIMIT = 50;
const POLL_MS = 250;

export class MailpitMailbox implements Mailbox {
  private readonly base: string;
  private readonly consumed = new Set<string>();

  constructor(url: string, private readonly http: HttpClient) {
    this.base = url.replace(/\/+$/, '');
  }

  get describe(): string {
    return `mailpit ${this.base}`;
  }

  /** The search query Mailpit gets for a mail query (exported for the adapter's tests). */
  static searchQuery(q: Pick<MailQuery, 'to'>): string {
    return `to:"${q.to.replace(/"/g, '')}"`;
  }

  waitFor(q: MailQuery): Promise<Message> {
    return pollFor(q, this.describe, this.consumed, () => this.candidates(q), POLL_MS);
  }

  async close(): Promise<void> {}

  private async candidates(q: MailQuery): Promise<Message[]> {
    const params = new URLSearchParams({ query: MailpitMailbox.searchQuery(q), limit: String(SEARCH_LIMIT) });
    const list = await this.getJson<{ messages?: Summary[] }>(`/api/v1/search?${params}`);
    const out: Message[] = [];
    for (const s of list.messages ?? []) {
      if (Date.parse(s.Created) < q.since - CLOCK_SKEW_MS) continue;
      // Only fetch bodies for summaries that can still match; the rest go back as summaries.
      if (this.consumed.has(s.ID) || !q.subjectMatches.test(s.Subject)) {
        out.push(toMessage(s, {}));
        continue;
      }
      const [full, headers] = await Promise.all([
        this.getJson<FullMessage>(`/api/v1/message/${encodeURIComponent(s.ID)}`),
        this.getJson<Record<string, string[]>>(`/api/v1/message/${encodeURIComponent(s.ID)}/headers`),
      ]);
      out.push(toMessage({ ...s, ...full, Created: s.Created }, headers));
    }
    return out;
  }

  private async getJson<T>(path: string): Promise<T> {
    const x = await this.http.request(`${this.base}${path}`, { headers: { accept: 'application/json' }, timeoutMs: 10_000 });
    if (x.error) throw new MailboxError(`${this.describe}: GET ${path} failed: ${x.error}`);
    if (x.response?.status !== 200) throw new MailboxError(`${this.describe}: GET ${path} answered ${x.response?.status}`);
    try {
      return JSON.parse(HttpClient.fullBody(x)) as T;
    } catch {
      throw new MailboxError(`${this.describe}: GET ${path} did not return JSON`);
    }
  }
}

function toMessage(m: FullMessage, headers: Record<string, string[]>): Message {
  const lower: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  return {
    id: m.ID,
    from: m.From ? m.From.Address : '',
    to: (m.To ?? []).map((a) => a.Address),
    subject: m.Subject,
    date: new Date(m.Created).toISOString(),
    text: m.Text ?? '',
    html: m.HTML ?? '',
    headers: lower,
  };
}
