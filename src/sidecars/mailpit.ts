/** A throw-away Mailpit beside a kind target: the harness reads mail through its HTTP API. */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { MailboxSpec } from '../target/types.js';
import { zxRunner, type CommandRunner } from '../kind/runner.js';
import { runContainer, startOrCleanUp, waitUntilReady, type Sidecar } from './container.js';
import { MAILPIT_PORTS, mailpitRunArgs } from './docker-args.js';

export interface MailpitSidecar extends Sidecar {
  smtp: { host: string; port: number };
  /** The TargetSpec `mailbox` for this Mailpit. */
  mailbox: MailboxSpec;
}

export interface StartMailpitOptions {
  runner?: CommandRunner;
  name?: string;
  image?: string;
  network?: string;
  readyTimeoutMs?: number;
}

async function readyz(url: string): Promise<void> {
  const res = await request(`${url}/readyz`, { headersTimeout: 2000, bodyTimeout: 2000 });
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`GET ${url}/readyz answered ${res.statusCode}`);
}

export async function startMailpitContainer(opts: StartMailpitOptions = {}): Promise<MailpitSidecar> {
  const runner = opts.runner ?? zxRunner;
  const name = opts.name ?? `sw-mailpit-${randomBytes(4).toString('hex')}`;
  const handle = await runContainer(runner, mailpitRunArgs({ name, image: opts.image, network: opts.network }), name);
  return startOrCleanUp(handle, async () => {
    const [http, smtp] = [await handle.hostPort(MAILPIT_PORTS.http), await handle.hostPort(MAILPIT_PORTS.smtp)];
    const url = `http://127.0.0.1:${http}`;
    await waitUntilReady(`Mailpit at ${url}`, () => readyz(url), opts.readyTimeoutMs ?? 30_000);
    return { url, smtp: { host: '127.0.0.1', port: smtp }, mailbox: { kind: 'mailpit', url }, stop: () => handle.remove() };
  });
}
