/**
 * The sim's mail system: an SMTP listener (smtp-server) that stores what it accepts, a
 * Mailpit-compatible HTTP API over the store, and a nodemailer sender the sim's services use,
 * so mail travels over real SMTP before the harness reads it back over HTTP.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import nodemailer, { type Transporter } from 'nodemailer';
import type { SimContext } from '../context.js';
import { MailStore } from './store.js';
import { startMailApi } from './api.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface SimMail {
  store: MailStore;
  smtpPort: number;
  /** Mailpit-compatible API base URL. */
  apiUrl: string;
  /** Sends through the SMTP listener, from the Sovereign's no-reply address. */
  send(mail: OutgoingMail): Promise<void>;
}

/** The part of the sim context the mail system uses. */
export type MailSimContext = Pick<SimContext, 'sovereign' | 'targetExtras' | 'onStop'>;

const installed = new WeakMap<MailSimContext, Promise<SimMail>>();

/** Installs the mail system once per sim (every module that sends mail calls this). */
export function installMail(ctx: MailSimContext): Promise<SimMail> {
  let p = installed.get(ctx);
  if (!p) {
    p = start(ctx);
    installed.set(ctx, p);
  }
  return p;
}

async function start(ctx: MailSimContext): Promise<SimMail> {
  const store = new MailStore();
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            store.add(parsed, raw, session.envelope.rcptTo.map((r) => r.address));
            callback();
          })
          .catch((e: Error) => callback(e));
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const api = await startMailApi(store);
  const transport: Transporter = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  const from = `"OpenOva Platform" <noreply@${ctx.sovereign}>`;

  ctx.targetExtras.mailbox = { kind: 'mailpit', url: api.url };
  ctx.onStop(async () => {
    transport.close();
    const closed = new Promise<void>((resolve) => api.server.close(() => resolve()));
    api.server.closeAllConnections();
    await closed;
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  return {
    store,
    smtpPort,
    apiUrl: api.url,
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
  };
}
