/**
 * The data plane for the failover suite: a real PostgreSQL 15 pair across the two regions
 * (primary in the primary region, synchronous streaming standby in the secondary), a counter app
 * per region, the router that plays the DNS flip (`counter.<sov>` and a SQL `-rw` proxy), and the
 * Continuum that renews the lease and fails over when the primary dies. Its Kubernetes objects
 * live in the regions' API servers: a CNPG Cluster per region (status by the CNPG operator model,
 * so bp-cnpg must be in the kit for it), the CNPGPair and the Continuum (status by the Continuum).
 * The pair's postmasters follow their Cluster's CNPG fencing as an instance manager would.
 *
 * When the regions are hosts of their own, each region's postmaster and counter app run in its
 * namespace on its address, replication crosses the world bridge, and the router reaches them there.
 *
 * What it adds to the TargetSpec: `counterUrl`, `database` (password in SW_SIM_DB_PASSWORD,
 * which the walk inherits), and `regionKill[<primary>]`, a power-off of the
 * whole primary region: its control plane and Flux, its postmaster and its counter app. On hosts
 * the regions' servers are powered through a Hetzner Cloud API model (sim/host/hcloud.ts; the
 * walk gets HCLOUD_ENDPOINT and HCLOUD_TOKEN), so the kill is the harness's `hcloud` actuator: the
 * power-off pulls the region's link and kills every process of its namespace (clients see
 * unanswered packets), the power-on plugs it back and boots the region: its control plane and
 * Flux from their on-disk state, its instance as a standby of the new primary (pg_rewind, else a
 * base backup), its counter app. As hosts the other region has the same `hcloud` kill: after a
 * failover it is the pair's primary, and the next walk powers it off (fail-back).
 * `partition:<region>` pulls the link only (a `command` switch, no heal). On loopback the kill is a SIGKILL of each process group (connections refused at once)
 * and nothing is restarted: the region stays dead until the sim stops.
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SimContext, SimFault, SimRegion, TargetExtras } from '../context.js';
import type { WorldApi } from '../kube-client/api.js';
import { startCounterApp, type CounterApp } from './counter-app.js';
import { ContinuumController, type ContinuumRegion } from './continuum.js';
import { dataplaneFaults, DETACH_AFTER_FIRST_USE_MS, type DataplaneFaults } from './faults.js';
import { followFencing } from './fencing.js';
import { CNPG_API, clusterObject, clusterRef, continuumObject, CONTINUUM_MANAGER, MANAGER, namespaceObject, pairObject } from './objects.js';
import { DbPair, type PairNames } from './pair.js';
import type { PgServer } from './postgres.js';
import type { RegionKillSpec } from '../../src/target/types.js';
import { appendLog, postgresUser } from '../host/processes.js';
import { DataplaneRouter, type Backend } from './router.js';
import { RegionStatusWriter } from './status.js';
import { startHcloudModel, type HcloudModel } from '../host/hcloud.js';
import { nodeNames, serverId } from '../controlplane/nodes.js';

const run = promisify(execFile);
/** How long the booted region's API server gets to take its Cluster's demotion. */
const DEMOTE_TIMEOUT_MS = 60_000;

export { DATAPLANE_FAULT_KINDS } from './faults.js';

export const DB_PASSWORD_ENV = 'SW_SIM_DB_PASSWORD';
/** Prefix of the tag in every data plane process's title or arguments (`pgrep -f swdp-<pid>-`). */
export const PROCESS_TAG_PREFIX = 'swdp';

export interface Dataplane {
  /** What the data plane adds to the TargetSpec. */
  extras: TargetExtras;
  /** Stops its processes, servers and controllers (its objects stay in the regions). */
  stop(): Promise<void>;
}

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

/** The platform's objects in one region, as its charts render them; returns the status writer of its CNPGPair and Continuum. */
async function renderRegion(api: WorldApi, region: string, role: 'primary' | 'replica', names: PairNames, synchronous: boolean, log: (line: string) => void): Promise<RegionStatusWriter> {
  await api.apply(namespaceObject(), MANAGER);
  await api.apply(clusterObject(role, names, { synchronous }), MANAGER);
  const pair = await api.apply(pairObject(names), MANAGER);
  const continuum = await api.apply(continuumObject(names), MANAGER);
  return new RegionStatusWriter(region, api, { CNPGPair: pair.metadata.generation ?? 1, Continuum: continuum.metadata.generation ?? 1 }, log);
}

/** Starts a data plane with `faults` in the running world; on failure, whatever it started is stopped again. */
export async function startDataplane(ctx: SimContext, faultList: readonly SimFault[]): Promise<Dataplane> {
  const startedAt = Date.now();
  const primary = ctx.primary;
  const replica = ctx.regions.find((r) => r.name !== primary.name);
  if (!replica) throw new Error('the data plane needs a second region for the standby');
  const faults = dataplaneFaults(faultList);
  const stray = [...faults.partitioned].find((r) => r !== primary.name);
  if (stray) throw new Error(`partition:${stray}: the failover suite takes down the primary region only (${primary.name})`);
  const names = pairNames(primary, replica);
  const tag = `${PROCESS_TAG_PREFIX}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const runAs = postgresUser();
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async (): Promise<void> => {
    // Popped one by one: a region booting while the data plane stops registers its counter app late.
    for (let fn = stops.pop(); fn; fn = stops.pop()) {
      try {
        await fn();
      } catch (err) {
        process.stderr.write(`[sim] data plane stop: ${(err as Error).message}\n`);
      }
    }
  };

  try {
    // Its own directory: PostgreSQL runs as `postgres`, which cannot enter the sim's private dir.
    const dir = ctx.world.owner.dir(await mkdtemp(join(tmpdir(), 'sw-dataplane-')));
    stops.push(() => rm(dir, { recursive: true, force: true }));
    await chmod(dir, 0o700);
    if (runAs) await chown(dir, runAs.uid, runAs.gid);
    const logPath = join(dir, 'dataplane.log');
    const log = (line: string): void => appendLog(logPath, `${new Date().toISOString()} ${line}\n`);

    const password = randomBytes(18).toString('base64url');
    process.env[DB_PASSWORD_ENV] = password;
    const pair = new DbPair(names, dir, tag, runAs, password, ctx.world.owner, { primary: primary.host, replica: replica.host });
    stops.push(() => pair.stop());
    await pair.start({ synchronous: !faults.asyncDetached });

    const apps = new Map<string, { app: CounterApp; server: PgServer }>();
    const startApp = async (region: SimRegion, server: PgServer) => {
      const app = await startCounterApp({
        region: region.name,
        pg: { host: server.address, port: server.port, user: names.owner, password, database: names.database },
        logPath: join(dir, `counter-${region.name}.log`),
        tag,
        owner: ctx.world.owner,
        ...(region.host ? { host: region.host } : {}),
      });
      stops.push(() => app.stop());
      apps.set(region.name, { app, server });
      return app;
    };
    const [primaryApp] = await Promise.all([startApp(primary, pair.primary), startApp(replica, pair.standby)]);

    const backend = (region: string): Backend => {
      const { app, server } = apps.get(region)!;
      return { region: app.region, httpAddress: app.address, httpPort: app.port, sqlAddress: server.address, sqlPort: server.port };
    };
    const router = new DataplaneRouter(backend(primary.name));
    const sqlPort = await router.listenSql();
    stops.push(() => router.close());
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
      stops.push(() => clearTimeout(detachTimer));
    }

    const [primaryWriter, replicaWriter] = await Promise.all([
      renderRegion(primary.api, primary.name, 'primary', names, !faults.asyncDetached, log),
      renderRegion(replica.api, replica.name, 'replica', names, !faults.asyncDetached, log),
    ]);
    for (const [region, cluster, server] of [[primary, names.primaryCluster, pair.primary], [replica, names.replicaCluster, pair.standby]] as const) {
      const fencing = followFencing(await ctx.informer(region, CNPG_API, 'Cluster'), cluster, server, log);
      stops.push(() => fencing.stop());
    }
    const regions = new Map<string, ContinuumRegion>([
      [primary.name, { writer: primaryWriter, api: primary.api, backend: () => backend(primary.name) }],
      [replica.name, { writer: replicaWriter, api: replica.api, backend: () => backend(replica.name) }],
    ]);
    const controller = new ContinuumController({
      regions,
      pair,
      router,
      faults,
      natsUrl: () => ctx.targetExtras.nats?.url,
      logPath,
    });
    stops.push(() => controller.stop());
    await controller.start();

    /** After the power-on: the control plane from disk, then the instance as the primary's standby (or, never promoted away, as it was), the counter app. */
    const boot = async (region: SimRegion): Promise<void> => {
      await region.cp.boot();
      const server = pair.primary.region === region.name ? pair.primary : pair.standby;
      if (server === pair.primary) {
        await server.restart();
        log(`${region.name} booted: its instance was never promoted away and is the primary again`);
      } else {
        const cluster = pair.names.replicaCluster;
        await untilApi(`${cluster} into replica mode in ${region.name}`, () =>
          region.api.mergePatch(clusterRef(cluster), { spec: { replica: { enabled: true, source: pair.names.primaryCluster } } }, { manager: CONTINUUM_MANAGER }),
        );
        const how = await pair.rejoin({ stream: !faults.noRejoin });
        log(`${region.name} booted: ${cluster} back as the standby of ${pair.names.primaryCluster} by ${how}${faults.noRejoin ? ', with no source (heal:no-rejoin)' : ''}`);
      }
      await startApp(region, server);
    };
    const hcloud = primary.host && replica.host ? await startHardware(ctx, [primary, replica], boot, log) : undefined;
    if (hcloud) {
      stops.push(() => hcloud.close());
      process.env.HCLOUD_ENDPOINT = hcloud.endpoint;
      process.env.HCLOUD_TOKEN = hcloud.token;
      stops.push(() => {
        if (process.env.HCLOUD_TOKEN !== hcloud.token) return;
        delete process.env.HCLOUD_TOKEN;
        delete process.env.HCLOUD_ENDPOINT;
      });
    }

    const regionPids = [...primary.cp.processes.values()].map((p) => p.pid);
    log(`ready in ${Date.now() - startedAt} ms (${faults.asyncDetached ? 'asynchronous' : 'synchronous remote_apply'} replication; tag ${tag})`);
    return {
      extras: {
        counterUrl: `https://${counterHost}`,
        database: { label: 'sw-counter-rw', host: '127.0.0.1', port: sqlPort, database: names.database, user: names.owner, passwordEnv: DB_PASSWORD_ENV },
        regionKill: {
          [primary.name]: regionKill(primary, faults, [...regionPids, pair.primary.pid, primaryApp.pid], hcloud),
          // As hosts, either region's servers can be powered off: after a failover the other one is the pair's primary.
          ...(hcloud ? { [replica.name]: regionKill(replica, faults, [], hcloud) } : {}),
        },
        secretsEnv: { simDatabase: DB_PASSWORD_ENV, ...(hcloud ? { simHcloud: 'HCLOUD_TOKEN' } : {}) },
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** How the failover suite takes the primary region down on this world (see the header). */
function regionKill(region: SimRegion, faults: DataplaneFaults, pids: number[], hcloud: HcloudModel | undefined): RegionKillSpec {
  const partition = faults.partitioned.has(region.name);
  if (!region.host || !hcloud) {
    if (partition) throw new Error(`partition:${region.name} needs regions as hosts of their own (network namespaces): ${region.name} shares loopback`);
    if (faults.noRejoin) throw new Error(`heal:no-rejoin needs regions as hosts of their own (network namespaces): on loopback a killed region is never healed`);
    return { kind: 'process-signal', pids };
  }
  return partition
    ? { kind: 'command', argv: region.host.powerSwitch('cut'), description: `partition of ${region.name} (link pulled, processes running)`, strength: 'isolation' }
    : { kind: 'hcloud', labelSelector: hcloud.labelSelector(region.name) };
}

/** The regions' servers behind a Hetzner Cloud API model: power-off is the host's switch, power-on plugs it back and boots it. */
function startHardware(ctx: SimContext, regions: SimRegion[], boot: (region: SimRegion) => Promise<void>, log: (line: string) => void): Promise<HcloudModel> {
  const switchOf = async (argv: string[]): Promise<string> => (await run(argv[0], argv.slice(1), { timeout: 60_000 })).stdout.trim();
  return startHcloudModel({
    sovereign: ctx.sovereign,
    log,
    regions: regions.map((region) => {
      const host = region.host!;
      const code = region.name.split('-')[1] ?? region.name;
      return {
        name: region.name,
        servers: nodeNames(region.name).map((name, i) => ({ id: serverId(region.index, i), name, type: i === 0 ? 'cpx31' : 'cpx41', location: `${code}1` })),
        powerOff: () => switchOf(host.powerSwitch('off')),
        powerOn: async () => {
          await switchOf(host.powerSwitch('on'));
        },
        boot: () => boot(region),
      };
    }),
  });
}

/** Retries an API write to a region that is booting, as a requeued reconcile would. */
async function untilApi(what: string, fn: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + DEMOTE_TIMEOUT_MS;
  for (;;) {
    try {
      await fn();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export async function installDataplane(ctx: SimContext): Promise<void> {
  const dataplane = await startDataplane(ctx, ctx.faults);
  ctx.onStop(() => dataplane.stop());
  const { regionKill, secretsEnv, ...extras } = dataplane.extras;
  Object.assign(ctx.targetExtras, extras);
  ctx.targetExtras.regionKill = { ...ctx.targetExtras.regionKill, ...regionKill };
  ctx.targetExtras.secretsEnv = { ...ctx.targetExtras.secretsEnv, ...secretsEnv };
}
