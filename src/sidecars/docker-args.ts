/**
 * `docker run` argv of the side services, as pure functions (golden-tested): the same builders
 * serve the harness's own throw-away containers (ephemeral host ports, removed on stop) and the
 * long-lived Mailpit kind:up starts on the kind network (fixed ports, restart policy).
 *
 * Ports are published on 127.0.0.1 only. Passwords never appear in an argv: `-e NAME` without a
 * value makes docker copy the variable from its own environment.
 */
import { KIND_VERSIONS } from '../kind/versions.js';

export const SIDECAR_LABEL = 'sovereign-walk.sidecar';
export const MAILPIT_PORTS = { http: 8025, smtp: 1025 } as const;
export const POSTGRES_PORT = 5432;

interface CommonOptions {
  name: string;
  image?: string;
  /** Join this docker network (e.g. `kind`), so cluster nodes reach the container by name. */
  network?: string;
  /** Keep the container across docker restarts instead of removing it when it stops. */
  persistent?: boolean;
  labels?: string[];
}

function common(opts: CommonOptions, service: string): string[] {
  return [
    'docker',
    'run',
    '--detach',
    ...(opts.persistent ? ['--restart', 'unless-stopped'] : ['--rm']),
    '--name',
    opts.name,
    '--label',
    `${SIDECAR_LABEL}=${service}`,
    ...(opts.labels ?? []).flatMap((l) => ['--label', l]),
    ...(opts.network ? ['--network', opts.network] : []),
  ];
}

/** `127.0.0.1::<port>` lets docker choose the host port; `docker port` reads it back. */
function publish(hostPort: number | undefined, containerPort: number): string[] {
  return ['--publish', `127.0.0.1:${hostPort ?? ''}:${containerPort}`];
}

export interface MailpitRunOptions extends CommonOptions {
  hostPorts?: { http?: number; smtp?: number };
}

export function mailpitRunArgs(opts: MailpitRunOptions): string[] {
  return [
    ...common(opts, 'mailpit'),
    ...publish(opts.hostPorts?.http, MAILPIT_PORTS.http),
    ...publish(opts.hostPorts?.smtp, MAILPIT_PORTS.smtp),
    // Any SMTP AUTH is accepted: the Sovereign's mailer may be configured with credentials.
    '--env',
    'MP_SMTP_AUTH_ACCEPT_ANY=1',
    '--env',
    'MP_SMTP_AUTH_ALLOW_INSECURE=1',
    opts.image ?? KIND_VERSIONS.mailpitImage,
  ];
}

export interface PostgresRunOptions extends CommonOptions {
  user: string;
  database: string;
  hostPort?: number;
}

export const POSTGRES_PASSWORD_VAR = 'POSTGRES_PASSWORD';

export function postgresRunArgs(opts: PostgresRunOptions): string[] {
  return [
    ...common(opts, 'postgres'),
    ...publish(opts.hostPort, POSTGRES_PORT),
    '--env',
    POSTGRES_PASSWORD_VAR,
    '--env',
    `POSTGRES_USER=${opts.user}`,
    '--env',
    `POSTGRES_DB=${opts.database}`,
    opts.image ?? KIND_VERSIONS.postgresImage,
  ];
}
