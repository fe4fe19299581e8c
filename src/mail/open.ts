/** Opens the target's mailbox with the adapter its spec names. */
import type { MailboxSpec } from '../target/types.js';
import type { HttpClient } from '../target/http.js';
import { SetupError } from '../target/errors.js';
import { registerSecret } from '../evidence/redact.js';
import type { Mailbox } from './mailbox.js';
import { MailpitMailbox } from './mailpit.js';
import { ImapMailbox } from './imap.js';

export function openMailbox(spec: MailboxSpec | undefined, http: HttpClient): Mailbox {
  if (!spec) throw new SetupError('the target has no mailbox (target.mailbox): voucher and PIN mail cannot be read');
  if (spec.kind === 'mailpit') return new MailpitMailbox(spec.url, http);
  const password = process.env[spec.passwordEnv];
  if (!password) throw new SetupError(`IMAP password variable ${spec.passwordEnv} is not set`);
  registerSecret(password);
  return new ImapMailbox({ host: spec.host, port: spec.port, secure: spec.secure, user: spec.user, password });
}
