/**
 * Region kill actuators: each kills what it says, records its heal in the fault ledger before
 * acting, and heals. Hetzner Cloud is exercised against a local fake API only.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSim } from '../sim/index.js';
import { ensureNamespace } from '../sim/runtime/objects.js';
import { loadKit } from '../src/kit/load.js';
import { FaultLedger } from '../src/chaos/ledger.js';
import { executeRevert } from '../src/chaos/revert.js';
import { RegionClient } from '../src/target/kube.js';
import { redact } from '../src/evidence/redact.js';
import { processSignalPlan } from '../src/failover/actuators/process-signal.js';
import { containerCommands, containerPlan } from '../src/failover/actuators/container.js';
import { hcloudPlan } from '../src/failover/actuators/hcloud.js';
import { networkPolicyPlan, FAULT_LABEL } from '../src/failover/actuators/network-policy.js';
import { cnpgScalePlan } from '../src/failover/actuators/cnpg-scale.js';
import { killRegion, killSpecFor, newKillId, type KillPlan } from '../src/failover/actuators/index.js';

const REGION = 'hz-fsn-rtz-prod';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Live (non-zombie) members of a process group. */
function groupMembers(pgid: number): number[] {
  return execFileSync('ps', ['-eo', 'pid=,pgid=,stat='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, group, stat]) => pid && Number(group) === pgid && !stat.startsWith('Z'))
    .map(([pid]) => Number(pid));
}

test('process-signal: SIGKILL takes a group leader with its whole process group, and a plain pid by itself', async () => {
  const leader = spawn('sh', ['-c', 'sleep 30 & sleep 30; wait'], { detached: true, stdio: 'ignore' });
  const loner = spawn('sleep', ['30'], { stdio: 'ignore' });
  const leaderExit = new Promise((resolve) => leader.once('exit', resolve));
  const lonerExit = new Promise((resolve) => loner.once('exit', resolve));
  try {
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(groupMembers(leader.pid!).length >= 3, 'sh and its two sleeps share the group');
    const plan = processSignalPlan(REGION, { kind: 'process-signal', pids: [leader.pid!, loner.pid!] });
    assert.deepEqual(plan.revert, [], 'killed processes are not restarted: nothing to revert');
    assert.equal(plan.strength, 'full');
    assert.match(plan.heal, /^none/);
    const outcome = await plan.apply();
    assert.ok(outcome.issuedAt <= outcome.killedAt);
    assert.match(outcome.detail, new RegExp(`group ${leader.pid}.*pid ${loner.pid}`));
    assert.deepEqual(await Promise.all([leaderExit, lonerExit]).then(() => groupMembers(leader.pid!)), []);
    assert.ok(!alive(loner.pid!));
  } finally {
    for (const c of [leader, loner]) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
});

test('process-signal: refuses pid 1 and reports pids that are already gone', async () => {
  await assert.rejects(processSignalPlan(REGION, { kind: 'process-signal', pids: [1] }).apply(), /refusing to signal pid 1/);
  const gone = spawn('true', [], { stdio: 'ignore' });
  await new Promise((resolve) => gone.once('exit', resolve));
  const outcome = await processSignalPlan(REGION, { kind: 'process-signal', pids: [gone.pid!] }).apply();
  assert.match(outcome.detail, new RegExp(`pid ${gone.pid} \\(already gone\\)`));
});

test('container: stop --time 0 / pause the node containers, heal by start / unpause (argv only)', async () => {
  const containers = ['sw-fsn-control-plane', 'sw-fsn-worker'];
  assert.deepEqual(containerCommands({ kind: 'container', runtime: 'docker', containers, mode: 'stop' }), {
    kill: ['docker', 'stop', '--time', '0', ...containers],
    heal: ['docker', 'start', ...containers],
  });
  assert.deepEqual(containerCommands({ kind: 'container', runtime: 'podman', containers, mode: 'pause' }), {
    kill: ['podman', 'pause', ...containers],
    heal: ['podman', 'unpause', ...containers],
  });
  const ran: string[][] = [];
  const plan = containerPlan(REGION, { kind: 'container', runtime: 'docker', containers, mode: 'stop' }, async (argv) => {
    ran.push([...argv]);
    return '';
  });
  assert.deepEqual(plan.revert, [{ kind: 'command', argv: ['docker', 'start', ...containers], timeoutMs: 120_000 }]);
  await plan.apply();
  assert.deepEqual(ran, [['docker', 'stop', '--time', '0', ...containers]]);
  assert.equal(containerPlan(REGION, { kind: 'container', runtime: 'docker', containers, mode: 'pause' }).strength, 'isolation');
  const failing = containerPlan(REGION, { kind: 'container', runtime: 'docker', containers, mode: 'stop' }, async () => {
    throw new Error('docker stop failed: no such container');
  });
  await assert.rejects(failing.apply(), /no such container/);
});

interface FakeServer {
  id: number;
  name: string;
  status: string;
  labels: Record<string, string>;
}

/** A fake of the Hetzner Cloud API: servers by label selector (paginated), power actions that finish after 50 ms. */
async function fakeHcloud(token: string, servers: FakeServer[], opts: { failPowerOff?: string; pageSize?: number } = {}) {
  const paging = { size: opts.pageSize ?? 50 };
  const calls: string[] = [];
  const actions = new Map<number, { done: boolean; fail: boolean }>();
  let nextAction = 100;
  const send = (res: ServerResponse, code: number, body: unknown) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    calls.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: { code: 'unauthorized', message: 'unable to authenticate' } });
    if (req.method === 'GET' && url.pathname === '/v1/servers') {
      const [k, v] = (url.searchParams.get('label_selector') ?? '').split('=');
      const matching = servers.filter((s) => s.labels[k] === v);
      const page = Number(url.searchParams.get('page') ?? 1);
      const size = Math.min(paging.size, Number(url.searchParams.get('per_page') ?? 25));
      const last = Math.ceil(matching.length / size);
      return send(res, 200, { servers: matching.slice((page - 1) * size, page * size), meta: { pagination: { page, per_page: size, next_page: page < last ? page + 1 : null } } });
    }
    const power = /^\/v1\/servers\/(\d+)\/actions\/(poweroff|poweron)$/.exec(url.pathname);
    if (req.method === 'POST' && power) {
      const s = servers.find((x) => x.id === Number(power[1]));
      if (!s) return send(res, 404, { error: { code: 'not_found', message: 'server not found' } });
      const id = nextAction++;
      const a = { done: false, fail: opts.failPowerOff === s.name && power[2] === 'poweroff' };
      actions.set(id, a);
      // Like the real API, the action runs on its own; polling only observes it.
      setTimeout(() => {
        if (!a.fail) s.status = power[2] === 'poweroff' ? 'off' : 'running';
        a.done = true;
      }, 50);
      return send(res, 201, { action: { id, status: 'running', command: power[2] === 'poweroff' ? 'stop_server' : 'start_server' } });
    }
    const action = /^\/v1\/actions\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && action) {
      const a = actions.get(Number(action[1]));
      if (!a) return send(res, 404, { error: { code: 'not_found', message: 'action not found' } });
      const status = !a.done ? 'running' : a.fail ? 'error' : 'success';
      return send(res, 200, { action: { id: Number(action[1]), status, ...(status === 'error' ? { error: { code: 'action_failed', message: 'hypervisor busy' } } : {}) } });
    }
    return send(res, 404, { error: { code: 'not_found', message: url.pathname } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return { endpoint, calls, paging, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('hcloud: powers off the running servers of the region (paginated list), waits for the actions, heals by power-on; the token stays secret', async () => {
  const token = 'hc-test-token-0123456789';
  const servers: FakeServer[] = [
    { id: 1, name: 'fsn-cp-1', status: 'running', labels: { region: REGION } },
    { id: 2, name: 'fsn-worker-1', status: 'running', labels: { region: REGION } },
    { id: 3, name: 'fsn-worker-2', status: 'off', labels: { region: REGION } },
    { id: 4, name: 'hel-cp-1', status: 'running', labels: { region: 'hz-hel-rtz-prod' } },
  ];
  const fake = await fakeHcloud(token, servers, { pageSize: 1 });
  const env = { HCLOUD_TOKEN: token, HCLOUD_ENDPOINT: fake.endpoint };
  try {
    const plan = hcloudPlan(REGION, { kind: 'hcloud', labelSelector: `region=${REGION}` }, { env });
    assert.deepEqual(plan.revert, [{ kind: 'hcloud-power-on', labelSelector: `region=${REGION}` }]);
    const outcome = await plan.apply();
    assert.deepEqual(servers.map((s) => `${s.name}:${s.status}`), ['fsn-cp-1:off', 'fsn-worker-1:off', 'fsn-worker-2:off', 'hel-cp-1:running']);
    assert.match(outcome.detail, /powered off fsn-cp-1 \(1\), fsn-worker-1 \(2\)$/);
    assert.ok(fake.calls.includes('POST /v1/servers/1/actions/poweroff') && fake.calls.includes('POST /v1/servers/2/actions/poweroff'));
    assert.ok(!fake.calls.includes('POST /v1/servers/3/actions/poweroff'), 'a server that is already off is left alone');
    assert.ok(fake.calls.some((c) => c.startsWith('GET /v1/servers?') && c.includes('page=3')), 'every page of the list is read');

    // The ledger's hcloud-power-on step reads a single page (up to 50 servers) and powers on every
    // matching server that is off, including one that was off before the kill.
    fake.paging.size = 50;
    await executeRevert({ regions: [], env }, plan.revert);
    const deadline = Date.now() + 2_000;
    while (servers.some((s) => s.status !== 'running') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(servers.map((s) => s.status), ['running', 'running', 'running', 'running']);

    const wrong = hcloudPlan(REGION, { kind: 'hcloud', labelSelector: `region=${REGION}` }, { env: { ...env, HCLOUD_TOKEN: 'wrong-token-9876543210' } });
    await assert.rejects(wrong.apply(), (err: Error) => /HTTP 401/.test(err.message) && !redact(err.message).includes('wrong-token'));
    await assert.rejects(hcloudPlan(REGION, { kind: 'hcloud', labelSelector: 'region=nowhere' }, { env }).apply(), /no Hetzner Cloud server matches region=nowhere/);
    await assert.rejects(hcloudPlan(REGION, { kind: 'hcloud', labelSelector: 'x=y' }, { env: {} }).apply(), /HCLOUD_TOKEN is not set/);
    assert.equal(redact(`token ${token}`), 'token [REDACTED]', 'the token is registered as a secret');
  } finally {
    await fake.close();
  }
});

test('hcloud: a power-off action that fails fails the kill, naming the server', async () => {
  const token = 'hc-test-token-abcdefghij';
  const servers: FakeServer[] = [{ id: 7, name: 'fsn-cp-1', status: 'running', labels: { region: REGION } }];
  const fake = await fakeHcloud(token, servers, { failPowerOff: 'fsn-cp-1' });
  try {
    const plan = hcloudPlan(REGION, { kind: 'hcloud', labelSelector: `region=${REGION}` }, { env: { HCLOUD_TOKEN: token, HCLOUD_ENDPOINT: fake.endpoint } });
    await assert.rejects(plan.apply(), /power-off fsn-cp-1: action \d+ error \(hypervisor busy\)/);
  } finally {
    await fake.close();
  }
});

test('network-policy and cnpg-scale against a region API; heal deletes the policies and restores the instances', async () => {
  const sim = await startSim({ kit: loadKit('fixtures/kind/kit-kind.json'), faults: [] });
  try {
    const region = sim.ctx.primary;
    ensureNamespace(region.store, 'sw-actuator', 'test');
    region.store.create({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'sw-actuator-pg', namespace: 'sw-actuator' }, spec: { instances: 3 } } as never, 'test');
    const client = new RegionClient(sim.target.regions.find((r) => r.name === region.name)!);
    const deps = { regions: [client] };

    const id = newKillId();
    const np = networkPolicyPlan(client, { kind: 'network-policy', namespaces: ['sw-actuator', 'default'] }, id);
    assert.equal(np.strength, 'isolation');
    await np.apply();
    const policies = region.store.list('networking.k8s.io/v1', 'NetworkPolicy', { labelSelector: `${FAULT_LABEL}=${id}` });
    assert.deepEqual(policies.map((p) => p.metadata.namespace).sort(), ['default', 'sw-actuator']);
    assert.deepEqual(policies[0].spec, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    await executeRevert(deps, np.revert);
    assert.equal(region.store.list('networking.k8s.io/v1', 'NetworkPolicy', { labelSelector: `${FAULT_LABEL}=${id}` }).length, 0);

    const scale = await cnpgScalePlan(client, { kind: 'cnpg-scale', namespace: 'sw-actuator', cluster: 'sw-actuator-pg' });
    assert.equal(scale.strength, 'weakest');
    assert.match(scale.description, /weakest mode/);
    await scale.apply();
    assert.equal((region.store.get('postgresql.cnpg.io/v1', 'Cluster', 'sw-actuator', 'sw-actuator-pg')?.spec as { instances?: number }).instances, 0);
    await executeRevert(deps, scale.revert);
    assert.equal((region.store.get('postgresql.cnpg.io/v1', 'Cluster', 'sw-actuator', 'sw-actuator-pg')?.spec as { instances?: number }).instances, 3);
    await assert.rejects(cnpgScalePlan(client, { kind: 'cnpg-scale', namespace: 'sw-actuator', cluster: 'missing' }), /not found/);
  } finally {
    await sim.stop();
  }
});

test('killRegion: the ledger holds the intent and its heal steps before the kill; revert heals and marks it', async () => {
  const ledger = new FaultLedger('sim.sovereign-walk.test', join(mkdtempSync(join(tmpdir(), 'sw-ledger-')), 'ledger.jsonl'));
  let seenAtKill: string[] = [];
  const plan: KillPlan = {
    actuator: 'container',
    region: REGION,
    target: `${REGION}/containers a`,
    description: 'docker stop --time 0 a',
    strength: 'full',
    heal: 'docker start a',
    revert: [{ kind: 'command', argv: ['true'], timeoutMs: 5_000 }],
    async apply() {
      seenAtKill = ledger.open().map((e) => `${e.kind}:${e.state}:${e.revert.map((r) => r.kind).join(',')}`);
      return { issuedAt: 1, killedAt: 2, detail: 'stopped a' };
    },
  };
  const id = newKillId();
  const kill = await killRegion(plan, ledger, 'run-1', { regions: [] }, id);
  assert.deepEqual(seenAtKill, ['region-kill:intent:command'], 'intent written (with the heal) before the kill');
  assert.equal(ledger.open()[0].state, 'applied');
  assert.match(ledger.open()[0].detail ?? '', /heal: docker start a/);
  const record = await kill.fault.revert();
  assert.equal(record.id, id);
  assert.equal(ledger.open().length, 0);

  const failing = { ...plan, apply: async () => { throw new Error('kill failed'); } };
  await assert.rejects(killRegion(failing, ledger, 'run-1', { regions: [] }, newKillId()), /kill failed/);
  assert.equal(ledger.open().length, 0, 'a failed kill is reverted (it may be half-applied)');
});

test('killSpecFor: the target actuator, or --kill-mode derived from the CNPGPair', () => {
  const region = { name: REGION, role: 'primary' as const, kubeconfigPath: '/x', kill: { kind: 'process-signal' as const, pids: [42] } };
  assert.deepEqual(killSpecFor(region, undefined, {}), region.kill);
  assert.deepEqual(killSpecFor(region, 'process-signal', {}), region.kill);
  const hints = { cnpgCluster: { namespace: 'cnpg', cluster: 'app-fsn' } };
  assert.deepEqual(killSpecFor(region, 'cnpg-scale', hints), { kind: 'cnpg-scale', namespace: 'cnpg', cluster: 'app-fsn' });
  assert.deepEqual(killSpecFor(region, 'network-policy', hints), { kind: 'network-policy', namespaces: ['cnpg'] });
  assert.deepEqual(killSpecFor(region, 'hcloud', {}, {}), { kind: 'hcloud', labelSelector: `region=${REGION}` });
  assert.throws(() => killSpecFor(region, 'cnpg-scale', {}), /needs a CNPGPair/);
  assert.throws(() => killSpecFor({ ...region, kill: undefined }, undefined, {}), /has no kill actuator; pass --kill-mode/);
  assert.throws(() => killSpecFor(region, 'meteor', {}), /--kill-mode meteor is not one of/);
});
