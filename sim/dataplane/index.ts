/**
 * The sim's data plane for the failover suite: a real PostgreSQL 15 pair across the two regions
 * (primary in the primary region, synchronous streaming standby in the secondary), a counter
 * app per region, the router that plays the DNS flip (`counter.<sov>` and a SQL `-rw` proxy),
 * and the Continuum that renews the lease and fails over when the primary dies.
 *
 * What it adds to the TargetSpec: `counterUrl`, `database` (password in SW_SIM_DB_PASSWORD,
 * which the walk's Playwright workers inherit), and `regionKill[<primary>]`, a process-signal
 * kill of the primary's postmaster and counter app (each the leader of its process group).
 * The killed processes are not restarted: the region stays dead until the sim stops.
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimContext, SimRegion } from '../context.js';
import { startCounterApp } from './counter-app.js';
import { ContinuumController } from './continuum.js';
import { dataplaneFaults, DETACH_AFTER_FIRST_USE_MS } from './faults.js';
import { seedPrimaryRegion, seedReplicaRegion } from './objects.js';
import { DbPair, type PairNames } from './pair.js';
import { appendLog, postgresUser } from '../host/processes.js';
import { DataplaneRouter, type Backend } from './router.js';

export { DATAPLANE_FAULT_KINDS } from './faults.js';

export const DB_PASSWORD_ENV = 'SW_SIM_DB_PASSWORD';
/** Prefix of the tag in every data plane process's title or arguments (`pgrep -f swdp-<pid>-`). */
export const PROCESS_TAG_PREFIX = 'swdp';

function shortName(region: string): string {
  return region.split('-')[1] ?? region;
}

function pairNames(primary: SimRegion, replica: SimRegion): PairNames {
  return {
    primaryRegion: primary.name,
    replicaRegion: replica.name,
    primaryCluster: `sw-counter-${shortName(primary.name)}`,
    replicaCluster: `sw-counter-${shortName(replica.name)}`,
    database: 'counter',
    owner: 'counter',
  };
}

export async function installDataplane(ctx: SimContext): Promise<void> {
  const startedAt = Date.now();
  const primary = ctx.primary;
  const replica = ctx.regions.find((r) => r.name !== primary.name);
  if (!replica) throw new Error('the data plane needs a second region for the standby');
  const faults = dataplaneFaults(ctx.faults);
  const names = pairNames(primary, replica);
  const tag = `${PROCESS_TAG_PREFIX}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const runAs = postgresUser();

  // Its own directory: PostgreSQL runs as `postgres`, which cannot enter the sim's private dir.
  const dir = await mkdtemp(join(tmpdir(), 'sw-dataplane-'));
  await chmod(dir, 0o700);
  if (runAs) await chown(dir, runAs.uid, runAs.gid);
  ctx.onStop(() => rm(dir, { recursive: true, force: true }));
  const logPath = join(dir, 'dataplane.log');
  const log = (line: string): void => appendLog(logPath, `${new Date().toISOString()} ${line}\n`);

  const password = randomBytes(18).toString('base64url');
  process.env[DB_PASSWORD_ENV] = password;
  const pair = new DbPair(names, dir, tag, runAs, password);
  ctx.onStop(() => pair.stop());
  await pair.start({ synchronous: !faults.asyncDetached });

  const startApp = async (region: string, port: number) => {
    const app = await startCounterApp({ region, pg: { port, user: names.owner, password, database: names.database }, logPath: join(dir, `counter-${region}.log`), tag });
    ctx.onStop(() => app.stop());
    return app;
  };
  const [primaryApp, replicaApp] = await Promise.all([startApp(primary.name, pair.primary.port), startApp(replica.name, pair.standby.port)]);

  const primaryBackend: Backend = { region: primary.name, httpPort: primaryApp.port, sqlPort: pair.primary.port };
  const replicaBackend: Backend = { region: replica.name, httpPort: replicaApp.port, sqlPort: pair.standby.port };
  const router = new DataplaneRouter(primaryBackend);
  const sqlPort = await router.listenSql();
  ctx.onStop(() => router.close());
  const counterHost = `counter.${ctx.sovereign}`;
  ctx.web.route(counterHost, router.http);

  if (faults.asyncDetached) {
    let detachTimer: NodeJS.Timeout | undefined;
    router.onFirstUse(() => {
      log(`first write: standby detaches in ${DETACH_AFTER_FIRST_USE_MS} ms (replication:async-detached)`);
      detachTimer = setTimeout(() => {
        pair.detachStandby().then(
          () => log(`standby ${names.replicaCluster} detached from its primary`),
          (err: unknown) => log(`detaching the standby failed: ${(err as Error).message}`),
        );
      }, DETACH_AFTER_FIRST_USE_MS);
    });
    ctx.onStop(() => clearTimeout(detachTimer));
  }

  const seededAt = Date.now();
  seedPrimaryRegion(primary.store, names, seededAt);
  seedReplicaRegion(replica.store, names, seededAt);
  const controller = new ContinuumController({
    stores: [primary.store, replica.store],
    replicaStore: replica.store,
    pair,
    router,
    replicaBackend,
    faults,
    natsUrl: () => ctx.targetExtras.nats?.url,
    logPath,
  });
  controller.start();
  ctx.onStop(() => controller.stop());

  ctx.targetExtras.counterUrl = `https://${counterHost}`;
  ctx.targetExtras.database = { label: 'sw-counter-rw', host: '127.0.0.1', port: sqlPort, database: names.database, user: names.owner, passwordEnv: DB_PASSWORD_ENV };
  ctx.targetExtras.regionKill = { ...ctx.targetExtras.regionKill, [primary.name]: { kind: 'process-signal', pids: [pair.primary.pid, primaryApp.pid] } };
  ctx.targetExtras.secretsEnv = { ...ctx.targetExtras.secretsEnv, simDatabase: DB_PASSWORD_ENV };
  log(`ready in ${Date.now() - startedAt} ms (${faults.asyncDetached ? 'asynchronous' : 'synchronous remote_apply'} replication; tag ${tag})`);
}
