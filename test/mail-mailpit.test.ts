/**
 * The Mailpit adapter against the sim's mail system: mail sent over SMTP (nodemailer →
 * smtp-server) and read back through the Mailpit-compatible HTTP API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { installMail, type MailSimContext, type SimMail } from '../sim/mail/index.js';
import { parseSearch } from '../sim/mail/api.js';
import { MailpitMailbox } from '../src/mail/mailpit.js';
import { MailboxError, MailTimeoutError } from '../src/mail/mailbox.js';
import { HttpClient } from '../src/target/http.js';

const cleanups: (() => Promise<void> | void)[] = [];
const ctx: MailSimContext = { sovereign: 'sim.sovereign-walk.test', targetExtras: {}, onStop: (fn) => void cleanups.push(fn) };
const http = new HttpClient({ resolve: [] });
let mail: SimMail;

before(async () => {
  mail = await installMail(ctx);
});

after(async () => {
  for (const fn of cleanups.reverse()) await fn();
  await http.close();
});

describe('Mailpit mailbox adapter', () => {
  it('publishes itself to the target as a mailpit mailbox', () => {
    assert.deepEqual(ctx.targetExtras.mailbox, { kind: 'mailpit', url: mail.apiUrl });
  });

  it('finds a mail by recipient and subject, with body, sender and lower-cased headers', async () => {
    const box = new MailpitMailbox(mail.apiUrl, http);
    const since = Date.now();
    await mail.send({ to: 'founder@tenant.example', subject: 'Welcome aboard', text: 'plain body', html: '<p>html body</p>' });
    const m = await box.waitFor({ to: 'Founder@Tenant.example', subjectMatches: /welcome/i, since, timeoutMs: 3_000 });
    assert.equal(m.subject, 'Welcome aboard');
    assert.equal(m.from, 'noreply@sim.sovereign-walk.test');
    assert.deepEqual(m.to, ['founder@tenant.example']);
    assert.match(m.text, /plain body/);
    assert.match(m.html, /html body/);
    assert.deepEqual(m.headers.subject, ['Welcome aboard']);
    assert.ok(Math.abs(Date.parse(m.date) - since) < 5_000);
  });

  it('waits for a mail that arrives after the wait began', async () => {
    const box = new MailpitMailbox(mail.apiUrl, http);
    const since = Date.now();
    setTimeout(() => void mail.send({ to: 'late@tenant.example', subject: 'Late news', text: 'x' }), 400);
    const m = await box.waitFor({ to: 'late@tenant.example', subjectMatches: /late/i, since, timeoutMs: 3_000 });
    assert.equal(m.subject, 'Late news');
  });

  it('returns the newest match first and never the same message twice', async () => {
    const box = new MailpitMailbox(mail.apiUrl, http);
    const since = Date.now();
    await mail.send({ to: 'twice@tenant.example', subject: 'Code 1', text: 'first' });
    await new Promise((r) => setTimeout(r, 20));
    await mail.send({ to: 'twice@tenant.example', subject: 'Code 2', text: 'second' });
    const q = { to: 'twice@tenant.example', subjectMatches: /^Code/, since, timeoutMs: 600 };
    assert.equal((await box.waitFor(q)).subject, 'Code 2');
    assert.equal((await box.waitFor(q)).subject, 'Code 1');
    const err = await box.waitFor(q).then(
      () => assert.fail('a third message was handed out'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof MailTimeoutError);
    assert.equal(err.others.length, 2);
    assert.match(err.message, /no mail to twice@tenant\.example .* within 600 ms \(2 other message/);
  });

  it('honours since and the body filter', async () => {
    const box = new MailpitMailbox(mail.apiUrl, http);
    await mail.send({ to: 'filter@tenant.example', subject: 'Voucher A', text: 'code AAA-111' });
    await new Promise((r) => setTimeout(r, 2_100));
    const since = Date.now();
    await mail.send({ to: 'filter@tenant.example', subject: 'Voucher B', text: 'code BBB-222' });
    await mail.send({ to: 'filter@tenant.example', subject: 'Voucher C', text: 'code CCC-333' });
    const m = await box.waitFor({ to: 'filter@tenant.example', subjectMatches: /voucher/i, bodyMatches: /BBB-222/, since, timeoutMs: 2_000 });
    assert.equal(m.subject, 'Voucher B');
    const old = await box.waitFor({ to: 'filter@tenant.example', subjectMatches: /Voucher A/, since, timeoutMs: 500 }).catch((e: unknown) => e);
    assert.ok(old instanceof MailTimeoutError, 'a mail from before `since` must not match');
  });

  it('reports an unreachable API as a MailboxError, not as a missing mail', async () => {
    const box = new MailpitMailbox('http://127.0.0.1:9', http);
    const err = await box.waitFor({ to: 'x@y.z', subjectMatches: /./, since: Date.now(), timeoutMs: 500 }).catch((e: unknown) => e);
    assert.ok(err instanceof MailboxError, String(err));
  });

  it('quotes the recipient in the Mailpit search query', () => {
    assert.equal(MailpitMailbox.searchQuery({ to: 'a+b@c.d' }), 'to:"a+b@c.d"');
  });

  it('sim API: parses Mailpit search syntax', () => {
    assert.deepEqual(parseSearch('to:"a@b.c" subject:welcome -from:x hello'), [
      { field: 'to', value: 'a@b.c', negate: false },
      { field: 'subject', value: 'welcome', negate: false },
      { field: 'from', value: 'x', negate: true },
      { field: 'text', value: 'hello', negate: false },
    ]);
  });
});
