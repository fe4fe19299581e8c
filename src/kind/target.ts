/**
 * `--target kind`: the TargetSpec of the two-region kind Sovereign kind:up builds, and the
 * preflight that refuses (exit 2) to walk it without a container engine or before kind:up ran.
 */
import { existsSync } from 'node:fs';
import { registerSecret } from '../evidence/redact.js';
import { SetupError } from '../target/errors.js';
import type { MailboxSpec, ResolveRule, TargetSpec } from '../target/types.js';
import { CONTINUUM_RELEASE } from './continuum.js';
import { readGenerated } from './generated.js';
import type { ContainerRuntimeClient } from 'testcontainers';
import {
  COUNTER,
  DEFAULT_KIND_WORKERS,
  HOST_PORTS,
  KIND_CA_COMMON_NAME,
  KIND_POOL_DOMAIN,
  KIND_REGIONS,
  KIND_SOVEREIGN,
  KIND_STATE_DIR,
  caCertPath,
  kubeconfigPath,
  nodeContainers,
} from './topology.js';

/** Environment variable holding the counter database password on a kind target. */
export const KIND_DB_PASSWORD_ENV = 'SW_DB_PASSWORD';

export interface KindTargetOptions {
  stateDir: string;
  workers?: number;
  /** The walk's Mailpit (src/kind/side-services.ts), when it walks journeys. */
  mailbox?: MailboxSpec;
}

function resolveRules(): ResolveRule[] {
  const to = (port: number, targetPort: number) =>
    [KIND_SOVEREIGN, `*.${KIND_SOVEREIGN}`].map((host) => ({ host, port, address: '127.0.0.1', targetPort }));
  return [...to(443, HOST_PORTS.https), ...to(80, HOST_PORTS.http)];
}

export function kindTarget(opts: KindTargetOptions): TargetSpec {
  const workers = opts.workers ?? DEFAULT_KIND_WORKERS;
  return {
    kind: 'kind',
    name: 'kind',
    sovereign: KIND_SOVEREIGN,
    regions: KIND_REGIONS.map((r) => ({
      name: r.name,
      role: r.role,
      kubeconfigPath: kubeconfigPath(opts.stateDir, r.name),
      kill: { kind: 'container', runtime: 'docker', containers: nodeContainers(r.cluster, workers), mode: 'stop' },
    })),
    poolDomain: KIND_POOL_DOMAIN,
    resolve: resolveRules(),
    caFile: caCertPath(opts.stateDir),
    tls: { issuerMustMatch: KIND_CA_COMMON_NAME, issuerMustNotMatch: 'STAGING|Fake' },
    ...(opts.mailbox ? { mailbox: opts.mailbox } : {}),
    nats: { url: `nats://127.0.0.1:${HOST_PORTS.nats}` },
    database: {
      label: 'front door',
      host: '127.0.0.1',
      port: HOST_PORTS.postgres,
      database: COUNTER.database,
      user: COUNTER.owner,
      passwordEnv: KIND_DB_PASSWORD_ENV,
    },
    counterUrl: `https://counter.${KIND_SOVEREIGN}/`,
    secretsEnv: { database: KIND_DB_PASSWORD_ENV },
    drController: CONTINUUM_RELEASE,
  };
}

/**
 * Puts the counter database password kind:up generated into SW_DB_PASSWORD (unless already
 * set) and registers it for redaction. Returns false when kind:up has not generated it.
 */
export function exportKindCredentials(stateDir: string = KIND_STATE_DIR, env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[KIND_DB_PASSWORD_ENV] ?? readGenerated(stateDir, COUNTER.passwordId);
  if (value === undefined) return false;
  registerSecret(value);
  env[KIND_DB_PASSWORD_ENV] = value;
  return true;
}

export interface KindPreflightOptions {
  /** The container engine as testcontainers finds it (DOCKER_HOST, ~/.testcontainers.properties, the local socket). */
  engine?: () => Promise<ContainerRuntimeClient>;
  /** Also require what kind:up leaves behind (kubeconfigs, CA) and running node containers. */
  stateDir?: string;
  workers?: number;
}

async function answeringEngine(engine: () => Promise<ContainerRuntimeClient>): Promise<ContainerRuntimeClient> {
  try {
    return await engine();
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new SetupError(`no container engine answers (${reason}); --target kind needs a Docker engine (try --dry-run to see the plan)`);
  }
}

/** The walk's check before it starts anything: an engine answers, kind:up ran, and every node container runs. */
export async function kindPreflight(opts: KindPreflightOptions = {}): Promise<ContainerRuntimeClient> {
  const client = await answeringEngine(opts.engine ?? (async () => (await import('testcontainers')).getContainerRuntimeClient()));
  const stateDir = opts.stateDir;
  if (stateDir === undefined) return client;
  const needed = [...KIND_REGIONS.map((r) => kubeconfigPath(stateDir, r.name)), caCertPath(stateDir)];
  const missing = needed.filter((p) => !existsSync(p));
  if (missing.length) throw new SetupError(`the kind Sovereign is not up (${missing.join(', ')} missing): run \`npm run kind:up\` first`);
  const containers = KIND_REGIONS.flatMap((r) => nodeContainers(r.cluster, opts.workers ?? DEFAULT_KIND_WORKERS));
  const running = new Set((await client.container.list()).flatMap((c) => (c.State === 'running' ? c.Names.map((n) => n.replace(/^\//, '')) : [])));
  const stopped = containers.filter((c) => !running.has(c));
  if (stopped.length) {
    throw new SetupError(
      `kind node container(s) ${stopped.join(', ')} are not running (left stopped by a region kill?): \`docker start ${stopped.join(' ')}\` or \`npm run kind:down && npm run kind:up\``,
    );
  }
  return client;
}
