/**
 * `--target kind`: the TargetSpec of the two-region kind Sovereign kind:up builds, and the
 * preflight that refuses (exit 2) to walk it without a Docker engine or before kind:up ran.
 */
import { existsSync } from 'node:fs';
import { registerSecret } from '../evidence/redact.js';
import { SetupError } from '../target/errors.js';
import type { ResolveRule, TargetSpec } from '../target/types.js';
import { readGenerated } from './generated.js';
import { firstLine, zxRunner, type CommandRunner } from './runner.js';
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
    mailbox: { kind: 'mailpit', url: `http://127.0.0.1:${HOST_PORTS.mailpitHttp}` },
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
  runner?: CommandRunner;
  /** Also require what kind:up leaves behind (kubeconfigs, CA) and running node containers. */
  stateDir?: string;
  workers?: number;
}

async function requireDocker(runner: CommandRunner): Promise<void> {
  const result = await runner.run(['docker', 'info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 });
  if (result.exitCode === 0 && result.stdout.trim() !== '') return;
  const reason = result.exitCode === 127 ? 'the docker client is not installed' : firstLine(result);
  throw new SetupError(`Docker is unavailable: ${reason}; --target kind needs a Docker engine (try --dry-run to see the plan)`);
}

export async function kindPreflight(opts: KindPreflightOptions = {}): Promise<void> {
  const runner = opts.runner ?? zxRunner;
  await requireDocker(runner);
  const stateDir = opts.stateDir;
  if (stateDir === undefined) return;
  const needed = [...KIND_REGIONS.map((r) => kubeconfigPath(stateDir, r.name)), caCertPath(stateDir)];
  const missing = needed.filter((p) => !existsSync(p));
  if (missing.length) throw new SetupError(`the kind Sovereign is not up (${missing.join(', ')} missing): run \`npm run kind:up\` first`);
  const containers = KIND_REGIONS.flatMap((r) => nodeContainers(r.cluster, opts.workers ?? DEFAULT_KIND_WORKERS));
  const inspect = await runner.run(['docker', 'inspect', '--format', '{{.Name}} {{.State.Running}}', ...containers], { timeoutMs: 20_000 });
  const running = new Set(
    inspect.stdout
      .split('\n')
      .map((l) => l.trim().split(' '))
      .filter(([, state]) => state === 'true')
      .map(([name]) => name.replace(/^\//, '')),
  );
  const stopped = containers.filter((c) => !running.has(c));
  if (stopped.length) {
    throw new SetupError(
      `kind node container(s) ${stopped.join(', ')} are not running (left stopped by a region kill?): \`docker start ${stopped.join(' ')}\` or \`npm run kind:down && npm run kind:up\``,
    );
  }
}
