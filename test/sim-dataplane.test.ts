/**
 * The sim's data plane: a real PostgreSQL pair with ADR-0004 synchronous replication, counter
 * apps, the router, and the Continuum that fails over when the primary region is killed; its
 * faults; and no process left behind in any outcome.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { connect, StringCodec } from 'nats';
import pg from 'pg';
import { parseSimFaults, startSim, type RunningSim } from '../sim/index.js';
import { installDataplane, PROCESS_TAG_PREFIX } from '../sim/dataplane/index.js';
import { dataplaneLeftovers, DATAPLANE_KIT as KIT, startDataplaneSim } from './helpers/dataplane-sim.js';
import { DETACH_AFTER_FIRST_USE_MS } from '../sim/dataplane/faults.js';
import { installNats } from '../sim/nats/index.js';
import type { KubeObject } from '../sim/kube/types.js';
import { loadKit } from '../src/kit/load.js';
import { processSignalPlan } from '../src/failover/actuators/process-signal.js';
import { HttpClient } from '../src/target/http.js';
import type { TargetSpec } from '../src/target/types.js';

const PRIMARY = 'hz-fsn-rtz-prod';
const SECONDARY = 'hz-hel-rtz-prod';
const NS = 'sw-counter';

interface DataplaneSim {
  sim: RunningSim;
  target: TargetSpec;
}

async function startDataplane(faults: string[]): Promise<DataplaneSim> {
  const sim = await startDataplaneSim(faults);
  return { sim, target: sim.target };
}

function postgresLeftovers(): string {
  try {
    return execFileSync('pgrep', ['-u', 'postgres', '-a', '-f', `${PROCESS_TAG_PREFIX}-${process.pid}-`], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

async function stopAndCheck(s: DataplaneSim): Promise<void> {
  await s.sim.stop();
  assert.deepEqual(dataplaneLeftovers(), [], 'every data plane process is gone after stop');
  assert.equal(postgresLeftovers(), '', 'no postgres process of this run is left');
}

function obj(s: DataplaneSim, region: string, apiVersion: string, kind: string, name: string): KubeObject {
  const store = s.sim.ctx.regions.find((r) => r.name === region)!.store;
  const o = store.get(apiVersion, kind, NS, name);
  assert.ok(o, `${kind} ${NS}/${name} exists in ${region}`);
  return o;
}

function status(o: KubeObject): Record<string, unknown> {
  return (o.status ?? {}) as Record<string, unknown>;
}

async function until<T>(what: string, timeoutMs: number, fn: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

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

const continuum = (s: DataplaneSim, region = SECONDARY) => obj(s, region, 'dr.openova.io/v1', 'Continuum', 'sw-counter');
const pair = (s: DataplaneSim, region = SECONDARY) => obj(s, region, 'dr.openova.io/v1', 'CNPGPair', 'sw-counter');

test('a healthy pair: synchronous replication, the platform objects, the router and the SQL endpoint; no failover without a kill', async () => {
  const started = Date.now();
  const s = await startDataplane([]);
  const setupMs = Date.now() - started;
  const http = new HttpClient(s.target);
  try {
    assert.ok(setupMs < 20_000, `sim with data plane up in ${setupMs} ms`);
    assert.equal(s.target.counterUrl, 'https://counter.sim.sovereign-walk.test');
    assert.deepEqual({ ...s.target.database, port: 0 }, { label: 'sw-counter-rw', host: '127.0.0.1', port: 0, database: 'counter', user: 'counter', passwordEnv: 'SW_SIM_DB_PASSWORD' });
    assert.ok((process.env.SW_SIM_DB_PASSWORD ?? '').length >= 16, 'a random password in the environment the walk hands its workers');
    assert.equal(s.target.secretsEnv?.simDatabase, 'SW_SIM_DB_PASSWORD', 'the harness registers the password for redaction');
    const kill = s.target.regions.find((r) => r.name === PRIMARY)?.kill;
    assert.ok(kill?.kind === 'process-signal' && kill.pids.length === 2, 'the primary region is killed by signalling its postmaster and counter app');
    for (const pid of kill.pids) assert.doesNotThrow(() => process.kill(-pid, 0), `pid ${pid} leads its own process group`);
    assert.equal(s.target.regions.find((r) => r.name === SECONDARY)?.kill, undefined);

    const settings = await sql<{ name: string; setting: string }>(s.target, "SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_standby_names', 'synchronous_commit') ORDER BY name");
    assert.deepEqual(settings, [
      { name: 'synchronous_commit', setting: 'remote_apply' },
      { name: 'synchronous_standby_names', setting: 'FIRST 1 ("sw-counter-hel")' },
    ]);
    const w = await write(http, s.target, 'w1-1');
    assert.equal(w.status, 200, w.body);
    assert.equal((JSON.parse(w.body) as { region: string }).region, PRIMARY);
    assert.deepEqual(await sql(s.target, "SELECT key FROM sw_counter WHERE key = 'w1-1'"), [{ key: 'w1-1' }]);

    for (const region of [PRIMARY, SECONDARY]) {
      assert.equal(status(continuum(s, region)).phase, 'Healthy');
      assert.equal(status(pair(s, region)).streaming, true);
    }
    assert.equal(status(obj(s, PRIMARY, 'postgresql.cnpg.io/v1', 'Cluster', 'sw-counter-fsn')).currentPrimary, 'sw-counter-fsn-1');
    const replica = obj(s, SECONDARY, 'postgresql.cnpg.io/v1', 'Cluster', 'sw-counter-hel');
    assert.deepEqual((replica.spec as { replica: unknown }).replica, { enabled: true, source: 'sw-counter-fsn' });
    assert.equal(status(replica).timelineID, 1);

    // The lease keeps being renewed: no spurious switchover while the primary lives.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const c = status(continuum(s));
    assert.equal(c.phase, 'Healthy');
    assert.equal(c.leaseHolder, PRIMARY);
    assert.ok(Date.parse(String(c.leaseExpiresAt)) > Date.now() - 1_500, `lease renewed recently (${String(c.leaseExpiresAt)})`);
  } finally {
    await http.close();
    await stopAndCheck(s);
  }
});

test('killing the primary region: lease loss, promotion, router flip, FailedOver with lastSwitchover, continuum-switchover audit on NATS', async () => {
  const s = await startDataplane([]);
  const http = new HttpClient(s.target);
  const nats = await installNats(s.sim.ctx);
  const nc = await connect({ servers: nats.url });
  const audits: { type: string | undefined; body: Record<string, unknown> }[] = [];
  const sub = nc.subscribe('catalyst.audit', { callback: (_e, m) => audits.push({ type: m.headers?.get('audit-type'), body: JSON.parse(StringCodec().decode(m.data)) as Record<string, unknown> }) });
  try {
    assert.equal((await write(http, s.target, 'w1-1')).status, 200);
    const kill = s.target.regions.find((r) => r.name === PRIMARY)!.kill!;
    assert.equal(kill.kind, 'process-signal');
    const outcome = await processSignalPlan(PRIMARY, kill as Extract<typeof kill, { kind: 'process-signal' }>).apply();

    await until('SwitchingOver', 5_000, () => status(continuum(s)).phase === 'SwitchingOver' || status(continuum(s)).phase === 'FailedOver');
    const c = await until('FailedOver', 10_000, () => (status(continuum(s)).phase === 'FailedOver' ? status(continuum(s)) : undefined));
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
    assert.ok(promotedAfter > 0 && promotedAfter < 5_000, `promoted ${promotedAfter} ms after the kill`);

    const replica = obj(s, SECONDARY, 'postgresql.cnpg.io/v1', 'Cluster', 'sw-counter-hel');
    assert.equal((replica.spec as { replica: { enabled: boolean } }).replica.enabled, false);
    assert.equal(status(replica).timelineID, 2);
    assert.equal(status(pair(s)).currentPrimaryRegion, SECONDARY);

    const after = await write(http, s.target, 'w1-2');
    assert.equal(after.status, 200, after.body);
    assert.equal((JSON.parse(after.body) as { region: string }).region, SECONDARY, 'the router sends writes to the promoted region');
    assert.deepEqual(await sql(s.target, 'SELECT pg_is_in_recovery() AS standby'), [{ standby: false }], 'the SQL endpoint now reaches the promoted primary');
    assert.deepEqual(await sql(s.target, 'SELECT key FROM sw_counter ORDER BY id'), [{ key: 'w1-1' }, { key: 'w1-2' }]);

    const audit = await until('the audit message', 5_000, () => audits[0]);
    assert.equal(audit.type, 'continuum-switchover');
    assert.equal(audit.body.type, 'continuum-switchover');
    assert.equal(audit.body.fromPrimary, PRIMARY);
    assert.equal(audit.body.toPrimary, SECONDARY);
    assert.equal(audit.body.reason, 'lease-loss');
  } finally {
    sub.unsubscribe();
    await nc.close();
    await http.close();
    await stopAndCheck(s);
  }
});

test('failover:none: the lease expires, the Continuum stays SwitchingOver and nothing is promoted', async () => {
  const s = await startDataplane(['failover:none']);
  const http = new HttpClient(s.target);
  try {
    const kill = s.target.regions.find((r) => r.name === PRIMARY)!.kill as { kind: 'process-signal'; pids: number[] };
    await processSignalPlan(PRIMARY, kill).apply();
    await until('SwitchingOver', 5_000, () => status(continuum(s)).phase === 'SwitchingOver');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(status(continuum(s)).phase, 'SwitchingOver');
    assert.equal(status(continuum(s)).lastSwitchover, undefined);
    assert.equal(status(obj(s, SECONDARY, 'postgresql.cnpg.io/v1', 'Cluster', 'sw-counter-hel')).timelineID, 1);
    const w = await write(http, s.target, 'w1-1');
    assert.equal(w.status, 502, 'writes still go to the dead region');
  } finally {
    await http.close();
    await stopAndCheck(s);
  }
});

test(`replication:async-detached: asynchronous replication; the standby detaches ${DETACH_AFTER_FIRST_USE_MS} ms after the first write`, async () => {
  const s = await startDataplane(['replication:async-detached']);
  const http = new HttpClient(s.target);
  try {
    assert.deepEqual(await sql(s.target, "SELECT setting FROM pg_settings WHERE name = 'synchronous_standby_names'"), [{ setting: '' }]);
    const first = Date.now();
    assert.equal((await write(http, s.target, 'w1-1')).status, 200);
    assert.equal(status(pair(s)).streaming, true, 'still streaming right after the first write');
    const degradedAt = await until('the standby to detach', DETACH_AFTER_FIRST_USE_MS + 4_000, () => (status(pair(s)).streaming === false ? Date.now() : undefined));
    assert.ok(degradedAt - first >= DETACH_AFTER_FIRST_USE_MS, `detached after ${degradedAt - first} ms`);
    assert.equal(status(pair(s)).phase, 'Degraded');
    assert.equal(status(continuum(s)).phase, 'Degraded');
  } finally {
    await http.close();
    await stopAndCheck(s);
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

test('an install that fails half-way leaves no process behind once the sim stops', async () => {
  // The cluster world alone: the only data plane is the one this test installs.
  const sim = await startSim({ kit: loadKit(KIT), faults: [], modules: [] });
  // PostgreSQL and the counter apps are up by the time the router is routed.
  const broken = { ...sim.ctx, web: { ...sim.ctx.web, route: () => { throw new Error('route table full'); } } };
  try {
    await assert.rejects(installDataplane(broken), /route table full/);
    assert.ok(dataplaneLeftovers().length > 0, 'the pair and the apps were running when the install failed');
  } finally {
    await sim.stop();
  }
  assert.deepEqual(dataplaneLeftovers(), []);
  assert.equal(postgresLeftovers(), '');
});
