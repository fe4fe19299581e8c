/** Mailpit beside a walk: the harness reads mail through its HTTP API; mailers send to its SMTP port. */
import type { MailboxSpec } from '../target/types.js';
import { KIND_VERSIONS } from '../kind/versions.js';
import { startSideService, type SideService } from './side-service.js';

export const MAILPIT_PORTS = { http: 8025, smtp: 1025 } as const;
export const SIDECAR_LABEL = 'sovereign-walk.sidecar';

export interface MailpitSidecar {
  url: string;
  /** The TargetSpec `mailbox` for this Mailpit. */
  mailbox: MailboxSpec;
  stop(): Promise<void>;
}

/**
 * Only the HTTP API is published (testcontainers publishes on every host address); mailers reach
 * SMTP over `network`.
 */
export function mailpitService(opts: { network?: SideService['network']; labels?: Record<string, string>; image?: string } = {}): SideService {
  return {
    name: 'Mailpit',
    image: opts.image ?? KIND_VERSIONS.mailpitImage,
    ...(opts.network ? { network: opts.network } : {}),
    ports: [MAILPIT_PORTS.http],
    // Any SMTP AUTH is accepted: the Sovereign's mailer may be configured with credentials.
    environment: { MP_SMTP_AUTH_ACCEPT_ANY: '1', MP_SMTP_AUTH_ALLOW_INSECURE: '1' },
    labels: { [SIDECAR_LABEL]: 'mailpit', ...opts.labels },
    ready: { path: '/readyz', port: MAILPIT_PORTS.http, status: 200 },
    startupTimeoutMs: 60_000,
  };
}

export async function startMailpit(service: SideService = mailpitService()): Promise<MailpitSidecar> {
  const container = await startSideService(service);
  const url = `http://${container.getHost()}:${container.getMappedPort(MAILPIT_PORTS.http)}`;
  return {
    url,
    mailbox: { kind: 'mailpit', url },
    async stop() {
      await container.stop();
    },
  };
}
