/**
 * A Mailpit-compatible HTTP API over the sim's mail store, on a loopback port: the subset the
 * harness's Mailpit adapter (and a person with curl) uses.
 *   GET    /api/v1/messages?start&limit         newest first
 *   GET    /api/v1/search?query=&start&limit    to:/from:/subject: filters, free words, -negation
 *   GET    /api/v1/message/{ID}                 (ID may be `latest`)
 *   GET    /api/v1/message/{ID}/headers
 *   GET    /api/v1/message/{ID}/raw
 *   DELETE /api/v1/messages
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MailStore, StoredMail } from './store.js';

interface Term {
  field: 'to' | 'from' | 'subject' | 'text';
  value: string;
  negate: boolean;
}

/** Parses Mailpit search syntax: `to:"a@b" subject:welcome -from:x word "a phrase"`. */
export function parseSearch(query: string): Term[] {
  const terms: Term[] = [];
  const re = /(-)?(?:(to|from|subject):)?(?:"([^"]*)"|(\S+))/gi;
  for (const m of query.matchAll(re)) {
    const value = (m[3] ?? m[4] ?? '').toLowerCase();
    if (!value) continue;
    terms.push({ field: (m[2]?.toLowerCase() as Term['field'] | undefined) ?? 'text', value, negate: Boolean(m[1]) });
  }
  return terms;
}

function addressText(a: { Name: string; Address: string }): string {
  return `${a.Name} <${a.Address}>`.toLowerCase();
}

function matchesTerm(m: StoredMail, t: Term): boolean {
  switch (t.field) {
    case 'to':
      return [...m.To, ...m.Cc].some((a) => addressText(a).includes(t.value));
    case 'from':
      return m.From ? addressText(m.From).includes(t.value) : false;
    case 'subject':
      return m.Subject.toLowerCase().includes(t.value);
    case 'text':
      return [m.Subject, m.Text, m.From ? addressText(m.From) : '', ...m.To.map(addressText)].some((s) => s.toLowerCase().includes(t.value));
  }
}

function summary(m: StoredMail) {
  return {
    ID: m.ID,
    MessageID: m.MessageID,
    Read: m.Read,
    From: m.From,
    To: m.To,
    Cc: m.Cc,
    Bcc: [],
    ReplyTo: [],
    Subject: m.Subject,
    Created: m.Created,
    Username: '',
    Tags: [],
    Size: m.Size,
    Attachments: 0,
    Snippet: m.Text.replace(/\s+/g, ' ').trim().slice(0, 250),
  };
}

function page(store: MailStore, list: StoredMail[], url: URL) {
  const start = Math.max(0, Number(url.searchParams.get('start') ?? 0) || 0);
  const limit = Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50);
  const all = store.all();
  return {
    total: all.length,
    unread: all.filter((m) => !m.Read).length,
    count: Math.min(limit, Math.max(0, list.length - start)),
    messages_count: list.length,
    messages_unread: list.filter((m) => !m.Read).length,
    start,
    tags: [],
    messages: list.slice(start, start + limit).map(summary),
  };
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}

function handle(store: MailStore, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://mailpit.local');
  const path = url.pathname;
  if (req.method === 'GET' && path === '/api/v1/messages') return send(res, 200, page(store, store.all(), url));
  if (req.method === 'DELETE' && path === '/api/v1/messages') {
    store.clear();
    return send(res, 200, 'ok', 'text/plain');
  }
  if (req.method === 'GET' && path === '/api/v1/search') {
    const query = (url.searchParams.get('query') ?? '').trim();
    if (!query) return send(res, 400, 'Error: no search query', 'text/plain');
    const terms = parseSearch(query);
    const hits = store.all().filter((m) => terms.every((t) => matchesTerm(m, t) !== t.negate));
    return send(res, 200, page(store, hits, url));
  }
  const one = /^\/api\/v1\/message\/([^/]+)(?:\/(headers|raw))?$/.exec(path);
  if (req.method === 'GET' && one) {
    const m = store.get(decodeURIComponent(one[1]));
    if (!m) return send(res, 404, 'Not found', 'text/plain');
    if (one[2] === 'headers') return send(res, 200, m.headers);
    if (one[2] === 'raw') return send(res, 200, m.raw, 'text/plain; charset=utf-8');
    m.Read = true;
    const { raw: _raw, headers: _h, ...rest } = m;
    return send(res, 200, { ...rest, Bcc: [], ReplyTo: [], ReturnPath: '', Tags: [], Inline: [], Attachments: [] });
  }
  send(res, 404, 'Not found', 'text/plain');
}

export async function startMailApi(store: MailStore): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => handle(store, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}
