/**
 * The data plane on the embedded Sovereign's real API servers: a real PostgreSQL pair with
 * ADR-0004 synchronous replication, counter apps, the router, the CNPG Clusters whose status the
 * CNPG operator model writes, and the Continuum that fails over when the primary's database is
 * fenced or its whole region is killed; its faults; and no process left behind in any outcome.
 * One world serves the file: each test installs its own data plane and removes it; the region
 * kill comes last, as it leaves the primary region dead.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTcp } from 'node:net';
import { after, before, test } from 'node:test';
import { connect, StringCodec } from 'nats';
import pg from 'pg';
import { parseSimFaults, type RunningSim } from '../sim/index.js';
import { PROCESS_TAG_PREFIX, startDataplane } from '../sim/dataplane/index.js';
import { DETACH_AFTER_FIRST_USE_MS } from '../sim/dataplane/faults.js';
import { LEASE } from '../sim/dataplane/objects.js';
import { installNats } from '../sim/nats/index.js';
import { dataplaneLeftovers, DATAPLANE_KIT as KIT, installDataplaneFor, startWorldOnly, type InstalledDataplane } from './helpers/dataplane-sim.js';
import { waitFor } from './helpers/sim-world.js';
import { loadKit } from '../src/kit/load.js';
import { executeRevert } from '../src/chaos/revert.js';
import { cnpgFencePlan } from '../src/failover/actuators/cnpg-fence.js';
import { processSignalPlan } from '../src/failover/actuators/process-signal.js';
import { hcloudApi } from '../src/failover/actuators/hcloud-api.js';
import { hcloudKillScope } from '../src/failover/actuators/hcloud-scope.js';
import { killRegion, newKillId, planKill } from '../src/failover/actuators/index.js';
import { FaultLedger } from '../src/chaos/ledger.js';
import { runJanitor } from '../src/chaos/janitor.js';
import { RegionClient } from '../src/target/kube.js';
import { HttpClient } from '../src/target/http.js';
import type { KubeObject } from '../src/target/objects.js';
import type { TargetSpec } from '../src/target/types.js';

const PRIMARY = 'hz-fsn-rtz-prod';
const SECONDARY = 'hz-hel-rtz-prod';
const NS = 'sw-counter';
/** bp-cnpg installs with the kit, which Flux is still installing when the world is handed over. */
const CNPG_UP_MS = 120_000;

let sim: RunningSim;

before(async () => {
  sim = await startWorldOnly();
});

after(async () => {
  await sim?.stop();
  assert.deepEqual(dataplaneLeftovers(), [], 'every data plane process is gone after stop');
  assert.equal(postgresLeftovers(), '', 'no postgres process of this run is left');
});

function postgresLeftovers(): string {
  try {
    return execFileSync('pgrep', ['-u', 'postgres', '-a', '-f', `${PROCESS_TAG_PREFIX}-${process.pid}-`], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

async function removeAndCheck(dp: InstalledDataplane): Promise<void> {
  await dp.remove();
  assert.deepEqual(dataplaneLeftovers(), [], 'every data plane process is gone once it is removed');
  assert.equal(postgresLeftovers(), '');
}

async function obj(region: string, apiVersion: string, kind: string, name: string): Promise<KubeObject> {
  const o = await sim.ctx.regions.find((r) => r.name === region)!.api.get(apiVersion, kind, NS, name);
  assert.ok(o, `${kind} ${NS}/${name} exists in ${region}`);
  return o;
}

function status(o: KubeObject): Record<string, unknown> {
  return (o.status ?? {}) as Record<string, unknown>;
}

const continuum = async (region = SECONDARY) => status(await obj(region, 'dr.openova.io/v1', 'Continuum', 'sw-counter'));
const pair = async (region = SECONDARY) => status(await obj(region, 'dr.openova.io/v1', 'CNPGPair', 'sw-counter'));
const cluster = (region: string, name: string) => obj(region, 'postgresql.cnpg.io/v1', 'Cluster', name);

async function write(http: HttpClient, target: TargetSpec, key: string): Promise<{ status: number | undefined; body: string }> {
  const x = await http.request(`${target.counterUrl}/write`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }), timeoutMs: 3000 });
  return { status: x.response?.status, body: x.response?.body ?? x.error ?? '' };
}

async function sql<R extends pg.QueryResultRow>(target: TargetSpec, text: string): Promise<R[]> {
  const db = target.database!;
  const client = new pg.Client({ host: db.host, port: db.port, user: db.user, database: db.database, password: process.env[db.passwordEnv], connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

/** The CNPG operator reports both Clusters healthy (bp-cnpg may still be installing). */
async function bothClustersHealthy(): Promise<void> {
  for (const [region, name] of [[PRIMARY, 'sw-counter-fsn'], [SECONDARY, 'sw-counter-hel']]) {
    await waitFor(`${name} healthy`, async () => (status(await cluster(region, name)).phase === 'Cluster in healthy state' ? true : undefined), CNPG_UP_MS, 250);
  }
}

/** Whether anything accepts a TCP connection at `url`'s host and port within 3 s (a dead host's packets go unanswered). */
function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connectTcp(Number(port), hostname);
    socket.setTimeout(3_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function regionClient(target: TargetSpec, name: string): RegionClient {
  return new RegionClient(target.regions.find((r) => r.name === name)!);
}

test('a healthy pair: synchronous replication, the platform objects in both API servers, CNPG status from the operator, the router and the SQL endpoint; no failover without a kill', async () => {
  const started = Date.now();
  const dp = await installDataplaneFor(sim, []);
  const setupMs = Date.now() - started;
  const http = new HttpClient(dp.target);
  try {
    assert.ok(setupMs < 20_000, `data plane up in ${setupMs} ms`);
    assert.equal(dp.target.counterUrl, 'https://counter.sim.sovereign-walk.test');
    assert.deepEqual({ ...dp.target.database, port: 0 }, { label: 'sw-counter-rw', host: '127.0.0.1', port: 0, database: 'counter', user: 'counter', passwordEnv: 'SW_SIM_DB_PASSWORD' });
    assert.ok((process.env.SW_SIM_DB_PASSWORD ?? '').length >= 16, 'a random password in the environment the walk hands its workers');
    assert.equal(dp.target.secretsEnv?.simDatabase, 'SW_SIM_DB_PASSWORD', 'the harness registers the password for redaction');
    const kill = dp.target.regions.find((r) => r.name === PRIMARY)?.kill;
    const regionProcesses = [...sim.ctx.primary.cp.processes.values()].map((p) => p.pid);
    const host = sim.ctx.primary.host;
    if (host) {
      // A host of its own: its servers are powered through the Hetzner Cloud API model; the power-off kills every process of its namespace, the data plane's among them.
      assert.deepEqual(kill, { kind: 'hcloud', labelSelector: `openova.io/sovereign=${dp.target.sovereign},openova.io/region=${PRIMARY}` });
      assert.match(process.env.HCLOUD_ENDPOINT ?? '', /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      assert.equal(dp.target.secretsEnv?.simHcloud, 'HCLOUD_TOKEN', 'the harness registers the API token for redaction');
      const scope = await hcloudKillScope(regionClient(dp.target, PRIMARY), kill.labelSelector, hcloudApi(process.env));
      assert.deepEqual(scope.matched.map((m) => `${m.server.name} ${m.server.status} = ${m.node} by ${m.by}`), ['fsn-cp-1', 'fsn-w-1', 'fsn-w-2', 'fsn-w-3'].map((n, i) => `${n} running = ${n} by providerID hcloud://${40_000_000 + i}`));
      const inNamespace = execFileSync('ip', ['netns', 'pids', host.netns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
      assert.ok(regionProcesses.every((pid) => inNamespace.includes(pid)), 'the control plane and Flux run in the namespace');
      assert.ok(dataplaneLeftovers().some((l) => /postgres/.test(l) && inNamespace.includes(Number(l.trim().split(/\s+/)[0]))), 'and the primary postmaster');
      assert.ok(dataplaneLeftovers().some((l) => /counter/.test(l) && inNamespace.includes(Number(l.trim().split(/\s+/)[0]))), 'and the primary counter app');
    } else {
      assert.ok(kill?.kind === 'process-signal', 'the primary region is killed by signalling its processes');
      assert.ok(regionProcesses.length >= 6 && regionProcesses.every((pid) => kill.pids.includes(pid)), 'every process of the primary control plane and Flux');
      assert.equal(kill.pids.length, regionProcesses.length + 2, 'and the primary postmaster and counter app');
      for (const pid of kill.pids) assert.doesNotThrow(() => process.kill(-pid, 0), `pid ${pid} leads its own process group`);
    }
    // As hosts either region can be powered off (after a failover the other is the primary); on loopback only the primary is killed.
    assert.deepEqual(dp.target.regions.find((r) => r.name === SECONDARY)?.kill, sim.ctx.primary.host ? { kind: 'hcloud', labelSelector: `openova.io/sovereign=${dp.target.sovereign},openova.io/region=${SECONDARY}` } : undefined);

    const settings = await sql<{ name: string; setting: string }>(dp.target, "SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_standby_names', 'synchronous_commit') ORDER BY name");
    assert.deepEqual(settings, [
      { name: 'synchronous_commit', setting: 'remote_apply' },
      { name: 'synchronous_standby_names', setting: 'FIRST 1 ("sw-counter-hel")' },
    ]);
    const w = await write(http, dp.target, 'w1-1');
    assert.equal(w.status, 200, w.body);
    assert.equal((JSON.parse(w.body) as { region: string }).region, PRIMARY);
    assert.deepEqual(await sql(dp.target, "SELECT key FROM sw_counter WHERE key = 'w1-1'"), [{ key: 'w1-1' }]);

    for (const region of [PRIMARY, SECONDARY]) {
      await waitFor(`Continuum and CNPGPair status in ${region}`, async () => (await continuum(region)).phase === 'Healthy' && (await pair(region)).streaming === true, 5_000, 100);
      const c = await obj(region, 'dr.openova.io/v1', 'Continuum', 'sw-counter');
      assert.deepEqual(c.metadata.managedFields?.filter((f) => f.subresource === 'status').map((f) => f.manager), ['continuum'], 'the Continuum writes the status');
    }
    const primaryCluster = await cluster(PRIMARY, 'sw-counter-fsn');
    assert.deepEqual(primaryCluster.metadata.labels, { 'catalyst.openova.io/cnpg-pair': 'sw-counter', 'openova.io/cnpg-role': 'primary' });
    const replica = await cluster(SECONDARY, 'sw-counter-hel');
    assert.deepEqual((replica.spec as { replica: unknown }).replica, { enabled: true, source: 'sw-counter-fsn' });
    assert.deepEqual(replica.metadata.labels, { 'catalyst.openova.io/cnpg-pair': 'sw-counter', 'openova.io/cnpg-role': 'replica' });
    const healthy = (region: string, name: string) => async () => {
      const s = status(await cluster(region, name));
      return s.phase === 'Cluster in healthy state' ? s : undefined;
    };
    const fsn = await waitFor('the CNPG operator to report the primary', healthy(PRIMARY, 'sw-counter-fsn'), CNPG_UP_MS, 250);
    assert.equal(fsn.currentPrimary, 'sw-counter-fsn-1');
    assert.deepEqual(fsn.instancesReportedState, { 'sw-counter-fsn-1': { isPrimary: true, timeLineID: 1, ip: (fsn.instancesReportedState as Record<string, { ip: string }>)['sw-counter-fsn-1'].ip } });
    const hel = await waitFor('the CNPG operator to report the replica cluster', healthy(SECONDARY, 'sw-counter-hel'), 15_000, 250);
    assert.equal(hel.currentPrimary, 'sw-counter-hel-1', 'the designated primary');
    assert.equal(hel.timelineID, 1);
    assert.equal((hel.instancesReportedState as Record<string, { isPrimary: boolean }>)['sw-counter-hel-1'].isPrimary, false, 'a replica cluster replays: not primary');

    // The lease keeps being renewed: no spurious switchover while the primary lives.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const c = await continuum();
    assert.equal(c.phase, 'Healthy');
    assert.equal(c.leaseHolder, PRIMARY);
    assert.ok(Date.parse(String(c.leaseExpiresAt)) > Date.now() - 2_500, `lease renewed recently (${String(c.leaseExpiresAt)})`);
  } finally {
    await http.close();
    await removeAndCheck(dp);
  }
});

test('the data plane fault kinds validate their arguments', () => {
  const kit = loadKit(KIT);
  assert.deepEqual(parseSimFaults(['failover:slow', 'failover:slow:5000', 'failover:none', 'replication:async-detached', 'continuum:misreport'], kit), [
    { kind: 'failover', arg: 'slow' },
    { kind: 'failover', arg: 'slow:5000' },
    { kind: 'failover', arg: 'none' },
    { kind: 'replication', arg: 'async-detached' },
    { kind: 'continuum', arg: 'misreport' },
  ]);
  assert.throws(() => parseSimFaults(['failover:fast'], kit), /"fast" is not a failover fault/);
  assert.throws(() => parseSimFaults(['replication'], kit), /needs an argument/);
  assert.throws(() => parseSimFaults(['continuum:lie'], kit), /not a continuum fault/);
});

test(`replication:async-detached: asynchronous replication, the primary Cluster without synchronous standbys; the standby detaches ${DETACH_AFTER_FIRST_USE_MS} ms after the first write`, async () => {
  const dp = await installDataplaneFor(sim, ['replication:async-detached']);
  const http = new HttpClient(dp.target);
  try {
    assert.equal((((await cluster(PRIMARY, 'sw-counter-fsn')).spec as { postgresql: Record<string, unknown> }).postgresql).synchronous, undefined);
    await waitFor('the pair streaming', async () => (await pair()).streaming === true, 5_000, 100);
    // The first write or SQL session through the counter's front starts the clock: the SQL check comes after.
    const first = Date.now();
    assert.equal((await write(http, dp.target, 'w1-1')).status, 200);
    assert.equal((await pair()).streaming, true, 'still streaming right after the first write');
    const degradedAt = await waitFor('the standby to detach', async () => ((await pair()).streaming === false ? Date.now() : undefined), DETACH_AFTER_FIRST_USE_MS + 6_000, 100);
    assert.ok(degradedAt - first >= DETACH_AFTER_FIRST_USE_MS, `detached after ${degradedAt - first} ms`);
    assert.equal((await pair()).phase, 'Degraded');
    assert.deepEqual(await sql(dp.target, "SELECT setting FROM pg_settings WHERE name = 'synchronous_standby_names'"), [{ setting: '' }]);
    // The same observation writes the Continuum's status after the pair's: it may land a moment later.
    await waitFor('the Continuum to report Degraded', async () => (await continuum()).phase === 'Degraded', 5_000, 100);
  } finally {
    await http.close();
    await removeAndCheck(dp);
  }
});

test('the CNPG fence (the cnpg-fence kill) shuts the primary postmaster down: lease loss, promotion, the replica Cluster out of replica mode on a new timeline; lifting the fence starts the postmaster again', async () => {
  const dp = await installDataplaneFor(sim, []);
  const http = new HttpClient(dp.target);
  const client = regionClient(dp.target, PRIMARY);
  try {
    assert.equal((await write(http, dp.target, 'w1-1')).status, 200);
    await bothClustersHealthy();
    const fence = await cnpgFencePlan(client, { kind: 'cnpg-fence', namespace: NS, cluster: 'sw-counter-fsn' });
    const { killedAt } = await fence.apply();
    const down = await waitFor('a write refused', async () => {
      const w = await write(http, dp.target, `w1-${Date.now()}`);
      return w.status !== 200 ? w : undefined;
    }, 5_000, 50);
    assert.equal(down.status, 503, `the primary's counter app has no database: ${down.body}`);

    const c = await waitFor('FailedOver', async () => ((await continuum()).phase === 'FailedOver' ? continuum() : undefined), LEASE.ttlMs + 8_000, 100);
    const sw = c.lastSwitchover as Record<string, string>;
    assert.deepEqual([sw.from, sw.to, sw.reason, sw.rpoObserved], [PRIMARY, SECONDARY, 'lease-loss', '0s']);
    assert.ok(Date.parse(sw.at) - killedAt < LEASE.ttlMs + 3_000, `promoted ${Date.parse(sw.at) - killedAt} ms after the fence (lease ${LEASE.ttlMs} ms)`);
    const replica = await cluster(SECONDARY, 'sw-counter-hel');
    assert.equal((replica.spec as { replica: { enabled: boolean } }).replica.enabled, false, 'the Continuum took the survivor out of replica mode');
    assert.ok(replica.metadata.managedFields?.some((f) => f.manager === 'continuum' && JSON.stringify(f.fieldsV1).includes('f:replica')));
    const promoted = await waitFor('the CNPG operator to report the promotion', async () => {
      const s = status(await cluster(SECONDARY, 'sw-counter-hel'));
      return s.timelineID === 2 ? s : undefined;
    }, 10_000, 100);
    assert.equal((promoted.instancesReportedState as Record<string, { isPrimary: boolean }>)['sw-counter-hel-1'].isPrimary, true);
    const fenced = status(await cluster(PRIMARY, 'sw-counter-fsn'));
    assert.equal(fenced.readyInstances, 0, 'the fenced primary cluster has no ready instance');
    assert.equal(fenced.currentPrimary, 'sw-counter-fsn-1');

    const afterFence = await write(http, dp.target, 'w1-2');
    assert.equal(afterFence.status, 200, afterFence.body);
    assert.equal((JSON.parse(afterFence.body) as { region: string }).region, SECONDARY);

    await executeRevert({ regions: [client] }, 'test-fence', fence.revert);
    await waitFor('the fenced instance back', async () => (status(await cluster(PRIMARY, 'sw-counter-fsn')).readyInstances === 1 ? true : undefined), 15_000, 100);
    assert.ok(dataplaneLeftovers().some((line) => line.includes('sw-counter-fsn')), 'the fenced postmaster runs again');
  } finally {
    client.close();
    await http.close();
    await removeAndCheck(dp);
  }
});

test('failover:none: the lease expires, the Continuum stays SwitchingOver and nothing is promoted', async () => {
  const dp = await installDataplaneFor(sim, ['failover:none']);
  const http = new HttpClient(dp.target);
  const client = regionClient(dp.target, PRIMARY);
  try {
    await bothClustersHealthy();
    const fence = await cnpgFencePlan(client, { kind: 'cnpg-fence', namespace: NS, cluster: 'sw-counter-fsn' });
    await fence.apply();
    await waitFor('SwitchingOver', async () => (await continuum()).phase === 'SwitchingOver', LEASE.ttlMs + 5_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal((await continuum()).phase, 'SwitchingOver');
    assert.equal((await continuum()).lastSwitchover, undefined);
    const replica = await cluster(SECONDARY, 'sw-counter-hel');
    assert.equal((replica.spec as { replica: { enabled: boolean } }).replica.enabled, true);
    assert.equal(status(replica).timelineID, 1);
    const w = await write(http, dp.target, 'w1-1');
    assert.equal(w.status, 503, 'writes still go to the fenced primary');
    assert.equal((JSON.parse(w.body) as { region: string }).region, PRIMARY);
    await executeRevert({ regions: [client] }, 'test-fence', fence.revert);
  } finally {
    client.close();
    await http.close();
    await removeAndCheck(dp);
  }
});

test('an install that fails half-way stops what it started', async () => {
  // PostgreSQL and the counter apps are up by the time the router is routed.
  const broken = { ...sim.ctx, web: { ...sim.ctx.web, route: () => { throw new Error('route table full'); } } };
  await assert.rejects(startDataplane(broken, []), /route table full/);
  assert.deepEqual(dataplaneLeftovers(), []);
  assert.equal(postgresLeftovers(), '');
});

// Last: the primary region is powered off (on loopback it stays dead until the world stops).
test('killing the primary region: its API server and every process gone; lease loss, promotion, router flip, FailedOver with lastSwitchover, continuum-switchover audit on NATS; as hosts, the janitor of the killed walk powers it on and it rejoins as a synchronous replica', async () => {
  const dp = await installDataplaneFor(sim, []);
  const http = new HttpClient(dp.target);
  const nats = await installNats(sim.ctx);
  const nc = await connect({ servers: nats.url });
  const audits: { type: string | undefined; body: Record<string, unknown> }[] = [];
  const sub = nc.subscribe('catalyst.audit', { callback: (_e, m) => audits.push({ type: m.headers?.get('audit-type'), body: JSON.parse(StringCodec().decode(m.data)) as Record<string, unknown> }) });
  const primaryApi = regionClient(dp.target, PRIMARY);
  const ledgerDir = mkdtempSync(join(tmpdir(), 'sw-dataplane-ledger-'));
  const ledger = new FaultLedger(dp.target.sovereign, join(ledgerDir, 'ledger.jsonl'));
  const revertDeps = { regions: [PRIMARY, SECONDARY].map((r) => regionClient(dp.target, r)), env: process.env };
  try {
    await bothClustersHealthy();
    assert.equal((await write(http, dp.target, 'w1-1')).status, 200);
    const kill = dp.target.regions.find((r) => r.name === PRIMARY)!.kill!;
    // A host of its own is powered off through its provider's API, in the ledger with its heal; a region on loopback by a SIGKILL of its process groups.
    assert.ok(kill.kind === (sim.ctx.primary.host ? 'hcloud' : 'process-signal'), `kill ${kill.kind}`);
    const id = newKillId();
    const plan = kill.kind === 'process-signal' ? processSignalPlan(PRIMARY, kill) : await planKill(kill, primaryApi, id);
    const outcome = kill.kind === 'process-signal' ? await plan.apply() : (await killRegion(plan, ledger, 'killed-walk', revertDeps, id)).outcome;
    assert.doesNotMatch(outcome.detail, /still listed/);
    assert.equal(await answers(primaryApi.server), false, 'the primary API server is down');
    await waitFor('every process of the region gone', () => ([...sim.ctx.primary.cp.processes.values()].every((p) => !p.alive()) ? true : undefined), 5_000, 50);
    if (kill.kind === 'hcloud') {
      const servers = await hcloudApi(process.env).servers(kill.labelSelector);
      assert.deepEqual(servers.map((s) => s.status), ['off', 'off', 'off', 'off'], 'the API reports the servers off');
    }

    const c = await waitFor('FailedOver', async () => ((await continuum()).phase === 'FailedOver' ? continuum() : undefined), LEASE.ttlMs + 8_000, 100);
    assert.equal(c.primaryRegion, SECONDARY);
    assert.equal(c.leaseHolder, SECONDARY);
    const sw = c.lastSwitchover as Record<string, string>;
    assert.equal(sw.from, PRIMARY);
    assert.equal(sw.to, SECONDARY);
    assert.equal(sw.reason, 'lease-loss');
    assert.equal(sw.initiatedBy, 'auto-failover');
    assert.equal(sw.rpoObserved, '0s', 'synchronous replication: the platform reports RPO 0');
    assert.match(sw.rtoObserved, /^\d+(\.\d+)?(ms|s)$/);
    const promotedAfter = Date.parse(sw.at) - outcome.killedAt;
    assert.ok(promotedAfter > 0 && promotedAfter < LEASE.ttlMs + 3_000, `promoted ${promotedAfter} ms after the kill (lease ${LEASE.ttlMs} ms)`);

    const replica = await cluster(SECONDARY, 'sw-counter-hel');
    assert.equal((replica.spec as { replica: { enabled: boolean } }).replica.enabled, false);
    await waitFor('timeline 2 on the survivor', async () => status(await cluster(SECONDARY, 'sw-counter-hel')).timelineID === 2, 10_000, 100);
    assert.equal((await pair()).currentPrimaryRegion, SECONDARY);

    const afterKill = await write(http, dp.target, 'w1-2');
    assert.equal(afterKill.status, 200, afterKill.body);
    assert.equal((JSON.parse(afterKill.body) as { region: string }).region, SECONDARY, 'the router sends writes to the promoted region');
    assert.deepEqual(await sql(dp.target, 'SELECT pg_is_in_recovery() AS standby'), [{ standby: false }], 'the SQL endpoint now reaches the promoted primary');
    assert.deepEqual(await sql(dp.target, 'SELECT key FROM sw_counter ORDER BY id'), [{ key: 'w1-1' }, { key: 'w1-2' }]);

    const audit = await waitFor('the audit message', () => audits[0], 5_000, 50);
    assert.equal(audit.type, 'continuum-switchover');
    assert.equal(audit.body.type, 'continuum-switchover');
    assert.equal(audit.body.fromPrimary, PRIMARY);
    assert.equal(audit.body.toPrimary, SECONDARY);
    assert.equal(audit.body.reason, 'lease-loss');
    if (kill.kind !== 'hcloud') return;

    // The walk that killed it died: the next run's janitor finds the ledger's power-on and runs it.
    const healStarted = Date.now();
    const janitor = await runJanitor(revertDeps, ledger, { isHolderAlive: () => false });
    assert.equal(janitor.reverted.length, 1, JSON.stringify(janitor));
    assert.match(janitor.reverted[0].detail ?? '', /holder pid \d+ gone; hcloud power-on: fsn-cp-1 \(40000000\), fsn-w-1 \(40000001\), fsn-w-2 \(40000002\), fsn-w-3 \(40000003\)/);
    assert.deepEqual(ledger.open(), []);
    const rejoined = await waitFor('the old primary streaming from the new one', async () => {
      const [p, cc] = await Promise.all([pair(), continuum()]);
      return p.streaming === true && p.currentPrimaryRegion === SECONDARY && cc.phase === 'Healthy' ? Date.now() : undefined;
    }, 120_000, 250);
    process.stderr.write(`rejoin ${rejoined - healStarted} ms after the janitor's power-on\n`);
    assert.equal(await answers(primaryApi.server), true, 'the healed region\'s API server answers');
    const healed = await cluster(PRIMARY, 'sw-counter-fsn');
    assert.deepEqual((healed.spec as { replica: unknown }).replica, { enabled: true, source: 'sw-counter-hel' }, 'the old primary\'s Cluster is a replica of the new primary');
    await waitFor('the healed region\'s own CNPGPair reporting the swapped roles', async () => ((await pair(PRIMARY)).currentPrimaryRegion === SECONDARY && (await pair(PRIMARY)).streaming === true ? true : undefined), 10_000, 250);
    await waitFor('synchronous replication required again', async () => {
      const rows = await sql<{ setting: string }>(dp.target, "SELECT setting FROM pg_settings WHERE name = 'synchronous_standby_names'");
      return rows[0]?.setting === 'FIRST 1 ("sw-counter-fsn")' ? true : undefined;
    }, 10_000, 250);
    // remote_apply to the rejoined standby: a write acknowledged now is already applied there.
    assert.equal((await write(http, dp.target, 'w1-3')).status, 200);
    assert.deepEqual(await sql(dp.target, 'SELECT key FROM sw_counter ORDER BY id'), [{ key: 'w1-1' }, { key: 'w1-2' }, { key: 'w1-3' }]);
    assert.ok([...sim.ctx.primary.cp.processes.values()].every((p) => p.alive()), 'the control plane and Flux run again');
  } finally {
    primaryApi.close();
    for (const r of revertDeps.regions) r.close();
    rmSync(ledgerDir, { recursive: true, force: true });
    sub.unsubscribe();
    await nc.close();
    await http.close();
    await dp.stop();
  }
});
