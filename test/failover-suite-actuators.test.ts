/**
 * Region kill actuators: each kills what it says, records its heal in the fault ledger before
 * acting, and heals. Hetzner Cloud: test/failover-hcloud-scope.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { startWorldOnly } from './helpers/dataplane-sim.js';
import { waitFor } from './helpers/sim-world.js';
import { tempDir } from './helpers/temp.js';
import { FaultLedger } from '../src/chaos/ledger.js';
import { executeRevert } from '../src/chaos/revert.js';
import { RegionClient } from '../src/target/kube.js';
import { processSignalPlan } from '../src/failover/actuators/process-signal.js';
import { containerCommands, containerPlan } from '../src/failover/actuators/container.js';
import { networkPolicyPlan, FAULT_LABEL } from '../src/failover/actuators/network-policy.js';
import { cnpgFencePlan, FENCED_INSTANCES } from '../src/failover/actuators/cnpg-fence.js';
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
  assert.deepEqual(plan.revert, [{ kind: 'container-start', runtime: 'docker', mode: 'stop', containers }]);
  await plan.apply();
  assert.deepEqual(ran, [['docker', 'stop', '--time', '0', ...containers]]);
  assert.equal(containerPlan(REGION, { kind: 'container', runtime: 'docker', containers, mode: 'pause' }).strength, 'isolation');
  const failing = containerPlan(REGION, { kind: 'container', runtime: 'docker', containers, mode: 'stop' }, async () => {
    throw new Error('docker stop failed: no such container');
  });
  await assert.rejects(failing.apply(), /no such container/);
});

test('network-policy and cnpg-fence against a real region API server: CNPG refuses instances 0 (422) and takes fencing, which stops every instance; heal deletes the policies and lifts the fence', async () => {
  const sim = await startWorldOnly();
  try {
    const region = sim.ctx.primary;
    const api = region.api;
    const NS = 'sw-actuator';
    await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const ref = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'sw-actuator-pg', namespace: NS } };
    await api.apply({ ...ref, spec: { instances: 2, storage: { size: '1Gi' }, bootstrap: { initdb: { database: 'app', owner: 'app' } } } }, 'helm-controller');
    const client = new RegionClient(sim.target.regions.find((r) => r.name === region.name)!);
    const deps = { regions: [client] };
    const cluster = async () => (await api.get(ref.apiVersion, ref.kind, NS, ref.metadata.name))!;
    const status = async () => ((await cluster()).status ?? {}) as { phase?: string; readyInstances?: number; currentPrimary?: string };

    const id = newKillId();
    const np = networkPolicyPlan(client, { kind: 'network-policy', namespaces: [NS, 'default'] }, id);
    assert.equal(np.strength, 'isolation');
    await np.apply();
    const policies = await api.list('networking.k8s.io/v1', 'NetworkPolicy', { labelSelector: `${FAULT_LABEL}=${id}` });
    assert.deepEqual(policies.map((p) => p.metadata.namespace).sort(), ['default', NS]);
    assert.deepEqual(policies[0].spec, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    await executeRevert(deps, id, np.revert);
    assert.equal((await api.list('networking.k8s.io/v1', 'NetworkPolicy', { labelSelector: `${FAULT_LABEL}=${id}` })).length, 0);

    // The CNPG operator (bp-cnpg) runs its instances: both Ready before the kill.
    await waitFor('the Cluster healthy with 2 ready instances', async () => {
      const s = await status();
      return s.phase === 'Cluster in healthy state' && s.readyInstances === 2 ? s : undefined;
    }, 120_000, 250);

    // Upstream D31's scale-to-zero: the real CRD's minimum is 1.
    await assert.rejects(client.mergePatch('clusters.postgresql.cnpg.io', NS, 'sw-actuator-pg', { spec: { instances: 0 } }), (e: { code?: number; body?: unknown }) => {
      assert.equal(e.code, 422);
      assert.match(JSON.stringify(e.body), /spec\.instances.*greater than or equal to 1/);
      return true;
    });

    const fence = await cnpgFencePlan(client, { kind: 'cnpg-fence', namespace: NS, cluster: 'sw-actuator-pg' });
    assert.equal(fence.strength, 'weakest');
    assert.match(fence.description, /cnpg\.io\/fencedInstances: '\["\*"\]'.*weakest mode/);
    assert.deepEqual(fence.revert, [{ kind: 'cnpg-unfence', region: region.name, namespace: NS, cluster: 'sw-actuator-pg' }]);
    await fence.apply();
    assert.equal((await cluster()).metadata.annotations?.[FENCED_INSTANCES], '["*"]', 'the API server took the fence');
    const fenced = await waitFor('every instance down', async () => {
      const s = await status();
      return s.readyInstances === 0 ? s : undefined;
    }, 15_000, 100);
    assert.equal(fenced.currentPrimary, 'sw-actuator-pg-1', 'no failover away from a fenced primary');
    assert.notEqual(fenced.phase, 'Cluster in healthy state');
    const pods = await api.list('v1', 'Pod', { namespace: NS, labelSelector: 'cnpg.io/cluster=sw-actuator-pg' });
    assert.deepEqual(pods.map((p) => (p.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status), ['False', 'False'], 'the fenced instances are not Ready');
    await assert.rejects(cnpgFencePlan(client, { kind: 'cnpg-fence', namespace: NS, cluster: 'sw-actuator-pg' }), /already fenced .* refusing/);

    await executeRevert(deps, id, fence.revert);
    assert.equal((await cluster()).metadata.annotations?.[FENCED_INSTANCES], undefined, 'the heal lifted the fence');
    await waitFor('the instances back, with the same primary', async () => {
      const s = await status();
      return s.phase === 'Cluster in healthy state' && s.readyInstances === 2 && s.currentPrimary === 'sw-actuator-pg-1' ? s : undefined;
    }, 15_000, 100);
    await assert.rejects(cnpgFencePlan(client, { kind: 'cnpg-fence', namespace: NS, cluster: 'missing' }), /not found/);
    client.close();
  } finally {
    await sim.stop();
  }
});

test('killRegion: the ledger holds the intent and its heal steps before the kill; revert heals and marks it', async () => {
  const ledger = new FaultLedger('sim.sovereign-walk.test', join(tempDir('sw-ledger-'), 'ledger.jsonl'));
  let seenAtKill: string[] = [];
  const plan: KillPlan = {
    actuator: 'container',
    region: REGION,
    target: `${REGION}/containers a`,
    description: 'docker stop --time 0 a',
    strength: 'full',
    heal: 'docker start a',
    revert: [{ kind: 'cnpg-unfence', region: REGION, namespace: 'db', cluster: 'pg' }],
    async apply() {
      seenAtKill = ledger.open().map((e) => `${e.kind}:${e.state}:${e.revert.map((r) => r.kind).join(',')}`);
      return { issuedAt: 1, killedAt: 2, detail: 'stopped a' };
    },
  };
  const id = newKillId();
  const patched: string[] = [];
  const region = { name: REGION, list: async () => ({ items: [] }), delete: async () => true, mergePatch: async (_r: string, ns: string | undefined, n: string) => (patched.push(`${ns}/${n}`), { metadata: { name: n } }) } as never;
  const kill = await killRegion(plan, ledger, 'run-1', { regions: [region] }, id);
  assert.deepEqual(seenAtKill, ['region-kill:intent:cnpg-unfence'], 'intent written (with the heal) before the kill');
  assert.equal(ledger.open()[0].state, 'applied');
  assert.match(ledger.open()[0].detail ?? '', /heal: docker start a/);
  const record = await kill.fault.revert();
  assert.equal(record.id, id);
  assert.deepEqual(patched, ['db/pg'], 'the heal interpreted the record');
  assert.equal(ledger.open().length, 0);

  const failing = { ...plan, apply: async () => { throw new Error('kill failed'); } };
  await assert.rejects(killRegion(failing, ledger, 'run-1', { regions: [region] }, newKillId()), /kill failed/);
  assert.equal(ledger.open().length, 0, 'a failed kill is reverted (it may be half-applied)');
});

test('killSpecFor: the target actuator, or --kill-mode derived from the CNPGPair', () => {
  const region = { name: REGION, role: 'primary' as const, kubeconfigPath: '/x', kill: { kind: 'process-signal' as const, pids: [42] } };
  assert.deepEqual(killSpecFor(region, undefined, {}), region.kill);
  assert.deepEqual(killSpecFor(region, 'process-signal', {}), region.kill);
  const hints = { cnpgCluster: { namespace: 'cnpg', cluster: 'app-fsn' } };
  assert.deepEqual(killSpecFor(region, 'cnpg-fence', hints), { kind: 'cnpg-fence', namespace: 'cnpg', cluster: 'app-fsn' });
  assert.deepEqual(killSpecFor(region, 'network-policy', hints), { kind: 'network-policy', namespaces: ['cnpg'] });
  assert.deepEqual(killSpecFor(region, 'hcloud', {}, { SW_HCLOUD_LABEL_SELECTOR: 'sovereign=t38,region=fsn' }), { kind: 'hcloud', labelSelector: 'sovereign=t38,region=fsn' });
  assert.throws(() => killSpecFor(region, 'hcloud', {}, {}), /needs --hcloud-selector .* never guesses/);
  assert.throws(() => killSpecFor(region, 'cnpg-fence', {}), /needs a CNPGPair/);
  assert.throws(() => killSpecFor({ ...region, kill: undefined }, undefined, {}), /has no kill actuator; pass --kill-mode/);
  assert.throws(() => killSpecFor(region, 'meteor', {}), /--kill-mode meteor is not one of/);
});
