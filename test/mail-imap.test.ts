/**
 * The IMAP adapter (imapflow + mailparser) against a tiny IMAP responder written here: enough of
 * RFC 3501 for LOGIN, EXAMINE, NOOP, UID SEARCH and UID FETCH, with the commands it received
 * kept for assertions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ImapMailbox } from '../src/mail/imap.js';
import { MailboxError, MailTimeoutError } from '../src/mail/mailbox.js';
import { openMailbox } from '../src/mail/open.js';
import { HttpClient } from '../src/target/http.js';
import { SetupError } from '../src/target/errors.js';

interface Stored {
  uid: number;
  to: string;
  received: Date;
  raw: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');
const internalDate = (d: Date) => `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;

function rfc822(to: string, subject: string, body: string, date: Date): string {
  return [`From: OpenOva Platform <noreply@t.example>`, `To: ${to}`, `Subject: ${subject}`, `Date: ${date.toUTCString()}`, `Message-ID: <${date.getTime()}@t.example>`, 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n');
}

/** Splits an IMAP command line into atoms and quoted strings. */
function tokens(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]));
}

class TinyImap {
  readonly commands: string[] = [];
  readonly messages: Stored[] = [];
  private server?: Server;

  constructor(private readonly user: string, private readonly password: string) {}

  add(to: string, subject: string, body: string, received = new Date()): void {
    this.messages.push({ uid: this.messages.length + 1, to, received, raw: rfc822(to, subject, body, received) });
  }

  async start(): Promise<number> {
    this.server = createServer((s) => this.session(s));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private session(sock: Socket): void {
    sock.write('* OK [CAPABILITY IMAP4rev1] tiny ready\r\n');
    let buf = '';
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        this.commands.push(line);
        this.answer(sock, line);
      }
    });
  }

  private answer(sock: Socket, line: string): void {
    const [tag, ...rest] = tokens(line);
    const cmd = (rest[0] ?? '').toUpperCase();
    const ok = (text = 'done'): void => void sock.write(`${tag} OK ${text}\r\n`);
    switch (cmd) {
      case 'CAPABILITY':
        sock.write('* CAPABILITY IMAP4rev1\r\n');
        return ok();
      case 'LOGIN':
        if (rest[1] === this.user && rest[2] === this.password) return ok('logged in');
        return void sock.write(`${tag} NO [AUTHENTICATIONFAILED] invalid credentials\r\n`);
      case 'LIST':
      case 'LSUB':
        sock.write(`* ${cmd} (\\HasNoChildren) "/" INBOX\r\n`);
        return ok();
      case 'SELECT':
      case 'EXAMINE':
        sock.write(`* ${this.messages.length} EXISTS\r\n* OK [UIDVALIDITY 42] v\r\n* OK [UIDNEXT ${this.messages.length + 1}] n\r\n* FLAGS (\\Seen)\r\n`);
        return ok('[READ-ONLY] examined');
      case 'LOGOUT':
        sock.write(`* BYE\r\n${tag} OK bye\r\n`);
        sock.end();
        return;
      case 'UID':
        return rest[1]?.toUpperCase() === 'SEARCH' ? this.search(sock, tag, rest.slice(2)) : this.fetch(sock, tag, rest[2] ?? '');
      default:
        return ok();
    }
  }

  private search(sock: Socket, tag: string, args: string[]): void {
    const to = args[args.findIndex((a) => a.toUpperCase() === 'TO') + 1]?.toLowerCase();
    const sinceArg = args[args.findIndex((a) => a.toUpperCase() === 'SINCE') + 1];
    const since = sinceArg ? Date.parse(`${sinceArg} 00:00:00 GMT`) : 0;
    const hits = this.messages.filter((m) => (!to || m.to.toLowerCase().includes(to)) && m.received.getTime() >= since);
    sock.write(`* SEARCH${hits.map((m) => ` ${m.uid}`).join('')}\r\n${tag} OK search done\r\n`);
  }

  private fetch(sock: Socket, tag: string, set: string): void {
    const uids = new Set(set.split(',').map(Number));
    for (const m of this.messages.filter((x) => uids.has(x.uid))) {
      const body = Buffer.from(m.raw, 'utf8');
      sock.write(`* ${m.uid} FETCH (UID ${m.uid} INTERNALDATE "${internalDate(m.received)}" BODY[] {${body.length}}\r\n`);
      sock.write(body);
      sock.write(')\r\n');
    }
    sock.write(`${tag} OK fetch done\r\n`);
  }
}

const imap = new TinyImap('walker', 's3cret-imap-pass');
let port = 0;

before(async () => {
  port = await imap.start();
});

after(async () => {
  await imap.stop();
});

const settings = () => ({ host: '127.0.0.1', port, secure: false, user: 'walker', password: 's3cret-imap-pass' });

describe('IMAP mailbox adapter', () => {
  it('finds the mail with UID SEARCH TO … SINCE … and parses it', async () => {
    const box = new ImapMailbox(settings());
    try {
      const since = Date.now() - 1_000;
      imap.add('other@tenant.example', 'Your voucher', 'not for the customer');
      imap.add('customer@tenant.example', "You've received an OpenOva voucher worth 100 OMR", 'Redeem it here: https://marketplace.t.example/redeem/?code=SW-ABCD-12345678');
      const m = await box.waitFor({ to: 'customer@tenant.example', subjectMatches: /voucher/i, since, timeoutMs: 5_000 });
      assert.equal(m.subject, "You've received an OpenOva voucher worth 100 OMR");
      assert.deepEqual(m.to, ['customer@tenant.example']);
      assert.equal(m.from, 'noreply@t.example');
      assert.match(m.text, /redeem\/\?code=SW-ABCD-12345678/);
      assert.deepEqual(m.headers['content-type'], ['text/plain; charset=utf-8']);
      assert.ok(imap.commands.some((c) => /LOGIN "?walker"? "?s3cret-imap-pass"?/.test(c)), 'logs in with the configured user');
      assert.ok(imap.commands.some((c) => /EXAMINE "?INBOX"?/.test(c)), 'opens INBOX read-only');
      assert.ok(imap.commands.some((c) => /UID SEARCH TO "?customer@tenant\.example"? SINCE \d{1,2}-[A-Z][a-z]{2}-\d{4}/.test(c)), imap.commands.join(' | '));
    } finally {
      await box.close();
    }
  });

  it('times out with the other mail of that address listed', async () => {
    const box = new ImapMailbox(settings());
    try {
      const err = await box.waitFor({ to: 'customer@tenant.example', subjectMatches: /sign-in code/i, since: Date.now() - 60_000, timeoutMs: 1_500 }).catch((e: unknown) => e);
      assert.ok(err instanceof MailTimeoutError, String(err));
      assert.ok(err.others.some((m) => /voucher/.test(m.subject)));
    } finally {
      await box.close();
    }
  });

  it('reports refused credentials as a MailboxError', async () => {
    const box = new ImapMailbox({ ...settings(), password: 'wrong' });
    const err = await box.waitFor({ to: 'x@y.z', subjectMatches: /./, since: Date.now(), timeoutMs: 1_000 }).catch((e: unknown) => e);
    assert.ok(err instanceof MailboxError, String(err));
    await box.close();
  });

  it('builds its criteria from the query, SINCE allowing for clock skew', () => {
    const c = ImapMailbox.searchCriteria({ to: 'a@b.c', since: Date.parse('2026-05-01T00:00:01Z') });
    assert.equal(c.to, 'a@b.c');
    assert.ok(c.since instanceof Date && c.since.getTime() < Date.parse('2026-05-01T00:00:01Z'));
  });

  it('openMailbox needs the IMAP password variable', () => {
    delete process.env.SW_TEST_IMAP_PASSWORD;
    const http = new HttpClient({ resolve: [] });
    assert.throws(() => openMailbox({ kind: 'imap', host: '127.0.0.1', port, secure: false, user: 'walker', passwordEnv: 'SW_TEST_IMAP_PASSWORD' }, http), SetupError);
    assert.throws(() => openMailbox(undefined, http), SetupError);
    void http.close();
  });
});
