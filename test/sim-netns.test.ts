/**
 * Regions as hosts of their own (SW_SIM_NETWORK=netns): each region's network namespace with its
 * address; the policy agent compiles the harness's deny-egress policy into the region's nftables,
 * so a connection from the region (where its Flux controllers run) to a mothership host is dropped
 * (the client times out; nothing refuses it) while the Sovereign's own front door keeps answering;
 * the CNI agent's `cilium-dbg bpf policy get` shows the drops with their counters; removing the
 * policy removes them. Skipped, saying why, where network namespaces cannot be made (not root).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { netnsAvailable } from '../sim/host/netns.js';
import { productFor } from '../sim/products/catalog.js';
import type { RunningSim } from '../sim/index.js';
import { ciliumPolicy } from '../src/suites/cutover/policy.js';
import { RegionClient } from '../src/target/kube.js';
import { startCutoverSim } from './cutover-fixture.js';

const CCNP = 'ciliumclusterwidenetworkpolicies.cilium.io';
const GITREPOS = 'gitrepositories.source.toolkit.fluxcd.io';

/** Packets the drop rule for `address` counted. */
function dropCount(rules: string, address: string): number {
  const m = [...rules.matchAll(/ip daddr (\S+) tcp dport \d+ counter packets (\d+)/g)].find((x) => x[1] === address);
  return Number(m?.[2] ?? 0);
}
const unavailable = netnsAvailable();

/** A TCP connect from inside `netns` (the root namespace when undefined): connected, refused or timeout (3 s). */
function connectFrom(netns: string | undefined, address: string, port: number): string {
  const script = `const s=require('net').connect(${port},'${address}');s.setTimeout(3000);s.on('connect',()=>{console.log('connected');process.exit(0)});s.on('timeout',()=>{console.log('timeout');process.exit(0)});s.on('error',(e)=>{console.log(e.code==='ECONNREFUSED'?'refused':e.code);process.exit(0)})`;
  const argv = [process.execPath, '-e', script];
  const r = netns ? spawnSync('ip', ['netns', 'exec', netns, ...argv], { encoding: 'utf8', timeout: 15_000 }) : spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 15_000 });
  return r.stdout.trim() || r.stderr.trim();
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('regions as hosts of their own', { skip: unavailable ? `network namespaces cannot be made here: ${unavailable}` : false }, () => {
  let sim: RunningSim;
  let region: RegionClient;

  before(async () => {
    ({ sim } = await startCutoverSim([], 'netns'));
    region = new RegionClient(sim.target.regions.find((r) => r.role === 'primary')!);
  });

  after(async () => {
    region?.close();
    await sim?.stop();
  });

  test('each region in its own namespace at its own address, its API server there', () => {
    const world = sim.ctx.world;
    assert.equal(world.networking.mode, 'netns');
    const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    for (const r of world.regions) {
      assert.ok(r.host, `${r.name} has a host`);
      assert.match(namespaces, new RegExp(`^${r.host.netns}\\b`, 'm'));
      assert.equal(new URL(r.cp.server).hostname, r.host.address, `${r.name}'s API server listens on its own address`);
    }
  });

  test('the deny-egress policy drops the mothership in the kernel, the front door still answers; removing it lifts the drops', async () => {
    const world = sim.ctx.world;
    const primary = world.regions.find((r) => r.role === 'primary')!;
    const netns = primary.host!.netns;
    const github = world.mothership.addressOf('github.com');
    const frontDoor = { address: world.networking.net!.world, port: 443 };
    assert.equal(connectFrom(netns, github.address, github.port), 'connected', 'before the block the mothership answers');

    await region.create(ciliumPolicy({ faultId: 'netns-test', runLabel: 'netns-test', expiresAt: new Date(Date.now() + 600_000).toISOString() }));
    const rules = await until('the drops in the region nftables', async () => {
      const text = await primary.firewall!.list();
      return text.includes(`ip daddr ${github.address} tcp dport ${github.port}`) ? text : undefined;
    });
    for (const host of ['ghcr.io', 'harbor.openova.io', 'api.openova.io']) assert.ok(rules.includes(`ip daddr ${world.mothership.addressOf(host).address}`), `${host} dropped`);

    // The real source-controller, a process of the region's namespace, fetches from github.com: the kernel drops it.
    await region.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'netns-probe', namespace: 'flux-system' }, spec: { url: 'https://github.com/openova-io/openova', interval: '1m', timeout: '5s', ref: { branch: 'main' } } });
    const failed = await until('the GitRepository fetch to fail', async () => {
      const ready = ((await region.get(GITREPOS, 'flux-system', 'netns-probe'))?.status as { conditions?: { type: string; status: string; message?: string }[] } | undefined)?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'False' ? ready.message ?? '' : undefined;
    }, 60_000);
    assert.match(failed, /timeout|deadline exceeded/i, 'the fetch timed out: nothing refused it');
    assert.ok(dropCount(await primary.firewall!.list(), github.address) > 0, "the drop rule counted the source-controller's packets");
    await region.delete(GITREPOS, 'flux-system', 'netns-probe');

    assert.equal(connectFrom(netns, github.address, github.port), 'timeout', 'a dropped connection is never answered');
    assert.equal(connectFrom(netns, frontDoor.address, frontDoor.port), 'connected', "the Sovereign's own front door is intra-cluster");

    const pods = (await region.list('pods', { namespace: 'kube-system' })).items.filter((p) => p.metadata.name.startsWith('cilium-') && !p.metadata.name.startsWith('cilium-operator'));
    assert.ok(pods.length > 0, 'a Cilium agent pod');
    const container = (pods[0].spec as { containers: { name: string }[] }).containers[0].name;
    const dump = await region.exec('kube-system', pods[0].metadata.name, container, ['cilium-dbg', 'bpf', 'policy', 'get', '--all']);
    assert.equal(dump.exitCode, 0, dump.stderr);
    assert.match(dump.stdout, new RegExp(`ip daddr ${github.address.replace(/\./g, '\\.')} tcp dport ${github.port} counter packets [1-9]\\d* bytes \\d+ drop comment "github\\.com: egress from flux-system denied by CiliumClusterwideNetworkPolicy/sovereign-walk-egress-block"`));

    await region.delete(CCNP, undefined, 'sovereign-walk-egress-block');
    await until('the drops to be lifted', async () => (!(await primary.firewall!.list()).includes(`ip daddr ${github.address}`) ? true : undefined));
    assert.equal(connectFrom(netns, github.address, github.port), 'connected', 'after the block the mothership answers again');
  });

  test("a region's products answer on its pod IPs only while it has power: powered off, nothing answers; booted, they answer again", { timeout: 180_000 }, async () => {
    const replica = sim.ctx.world.regions.find((r) => r.role !== 'primary')!;
    const pod = await until('a Ready pod of a modelled product in the replica', async () => {
      for (const p of replica.pods.list()) {
        const ip = (p.status as { podIP?: string } | undefined)?.podIP;
        const model = productFor(p.metadata.labels?.['app.kubernetes.io/part-of'] ?? '', p.metadata.labels?.['app.kubernetes.io/name'] ?? '');
        if (ip && model && connectFrom(undefined, ip, model.ports[0]) === 'connected') return { ip, port: model.ports[0], name: p.metadata.name };
      }
      return undefined;
    }, 60_000);
    assert.equal(connectFrom(replica.host!.netns, pod.ip, pod.port), 'connected', `${pod.name} answers inside its region`);
    const run = (argv: string[]) => {
      const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    };
    run(replica.host!.powerSwitch('off'));
    assert.match(connectFrom(undefined, pod.ip, pod.port), /^(timeout|EHOSTUNREACH)$/, `${pod.name} of a powered-off region leaves the connection unanswered, never refused`);
    await Promise.all([...replica.cp.processes.values()].map((p) => p.exited()));
    run(replica.host!.powerSwitch('on'));
    await replica.cp.boot();
    await until(`${pod.name} to answer after the boot`, () => (connectFrom(undefined, pod.ip, pod.port) === 'connected' ? true : undefined), 60_000);
  });
});
