/**
 * The embedded Sovereign's world itself: real control planes installing the kit through real
 * Flux, seen with the clients operators use (Debian's kubectl 1.20 and a kubectl of the server's
 * own minor version), the region map, and nothing left behind by an instance that was killed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startSim, type RunningSim } from '../sim/index.js';
import { cacheRoot, resolveBinary } from '../sim/controlplane/assets.js';
import { OWNER_ENV } from '../sim/host/ownership.js';
import { startSimProcess } from '../sim/process.js';
import { RegionClient } from '../src/target/kube.js';
import { condition } from '../src/target/objects.js';
import { ROOT } from './helpers/cli.js';
import { kitOf } from './helpers/kits.js';
import { waitFor } from './helpers/sim-world.js';
import { DATAPLANE_KIT } from './helpers/dataplane-sim.js';
import { PROCESS_TAG_PREFIX } from '../sim/dataplane/index.js';

const SLOTS = ['bp-cilium', 'bp-cert-manager', 'bp-flux'];
const DEBIAN_KUBECTL = join(ROOT, '.tools/kubectl-debian');

describe('a started embedded Sovereign', () => {
  let sim: RunningSim;
  before(async () => {
    sim = await startSim({ kit: kitOf(SLOTS), faults: [], modules: [] });
  }, { timeout: 180_000 });
  after(async () => sim?.stop());

  test('each region installs the kit through the real helm-controller', { timeout: 180_000 }, async () => {
    for (const region of sim.target.regions) {
      const rc = new RegionClient(region);
      try {
        const hrs = await waitFor(`${region.name}: every HelmRelease Ready`, async () => {
          const l = (await rc.list('helmreleases.helm.toolkit.fluxcd.io', { namespace: 'flux-system' })).items;
          return l.length === SLOTS.length && l.every((hr) => condition(hr, 'Ready')?.status === 'True') ? l : undefined;
        }, 150_000, 500);
        for (const hr of hrs) {
          assert.equal(condition(hr, 'Ready')?.reason, 'InstallSucceeded');
          assert.match(condition(hr, 'Ready')?.message ?? '', new RegExp(`Helm install succeeded for release flux-system/${hr.metadata.name}\\.v1 with chart ${hr.metadata.name}@1\\.0\\.0`));
          assert.equal(hr.metadata.labels?.['catalyst.openova.io/region-role'], region.role, 'Flux substituted the region role');
          assert.ok((hr.metadata.managedFields ?? []).some((f) => f.manager === 'kustomize-controller'), 'applied by kustomize-controller from the GitOps repository');
        }
      } finally {
        rc.close();
      }
    }
  });

  test('Debian kubectl 1.20 and kubectl of the server\'s minor version both list the releases Ready=True', () => {
    const kubeconfig = sim.target.regions[0].kubeconfigPath;
    for (const kubectl of [DEBIAN_KUBECTL, resolveBinary('kubectl')]) {
      assert.ok(existsSync(kubectl), `${kubectl} (bash scripts/setup.sh installs it)`);
      const out = execFileSync(kubectl, ['--kubeconfig', kubeconfig, 'get', 'helmreleases', '-A'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      for (const name of SLOTS) assert.match(out, new RegExp(`flux-system\\s+${name}\\s+\\S+\\s+True\\s+Helm install succeeded`), `${kubectl}:\n${out}`);
    }
    const version = execFileSync(resolveBinary('kubectl'), ['--kubeconfig', kubeconfig, 'version', '-o', 'json'], { encoding: 'utf8' });
    assert.equal((JSON.parse(version) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion, 'v1.34.4');
  });

  test('the harness is its own RBAC user, not a cluster superuser', () => {
    const kubeconfig = sim.target.regions[0].kubeconfigPath;
    const whoami = execFileSync(resolveBinary('kubectl'), ['--kubeconfig', kubeconfig, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}'], { encoding: 'utf8' });
    assert.match(whoami, /^sovereign-walk /);
    assert.doesNotMatch(whoami, /system:masters/);
  });

  test('the upstream CRDs validate: a CNPG Cluster with spec.instances 0 is refused (422)', async () => {
    const rc = new RegionClient(sim.target.regions[0]);
    try {
      await assert.rejects(
        rc.create({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'zero', namespace: 'default' }, spec: { instances: 0, storage: { size: '1Gi' } } }),
        (e: { code?: number; body?: unknown }) => e.code === 422 && /instances/.test(JSON.stringify(e.body)),
      );
    } finally {
      rc.close();
    }
  });
});

/** Processes carrying an instance's owner mark. */
function markedBy(id: string): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return `${readFileSync(`/proc/${p}/environ`, 'latin1')}\0`.includes(`${OWNER_ENV}=${id}\0`);
    } catch {
      return false;
    }
  });
}

/** Data plane processes (PostgreSQL pair, counter apps) of the sim process `pid`, zombies excluded. */
function dataplaneOf(pid: number): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,stat=,user=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(`${PROCESS_TAG_PREFIX}-${pid}-`) && !/^\s*\d+\s+Z/.test(line));
}

test('a killed instance leaves nothing behind once the next one starts: control planes, Flux, the PostgreSQL pair, the counter apps, its network namespaces and links, its scratch directory', { timeout: 240_000 }, async () => {
  const sim = await startSimProcess(['dataplane'], ['--kit', DATAPLANE_KIT]);
  const pgAndApps = dataplaneOf(sim.child.pid!);
  assert.ok(pgAndApps.some((l) => /\bpostgres\b/.test(l)) && pgAndApps.some((l) => /counter/.test(l)), `the data plane runs: ${pgAndApps.join('\n')}`);
  const dir = dirname(dirname(sim.target.caFile!));
  const ledger = readdirSync(join(cacheRoot(), 'owned')).map((f) => JSON.parse(readFileSync(join(cacheRoot(), 'owned', f), 'utf8')) as { id: string; owner: { pid: number } })
    .find((l) => l.owner.pid === sim.child.pid)!;
  // Regions as hosts: its namespaces, veths and bridge (none on loopback).
  const links = (ledger as unknown as { links: string[] }).links.map((l) => l.replace(/^netns:/, ''));
  const present = () => {
    const ip = `${execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })}\n${execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })}`;
    return links.filter((l) => new RegExp(`(^|\\s)${l}(\\s|@|:|$)`, 'm').test(ip));
  };
  assert.deepEqual(present(), links, 'the ledger names what exists');
  const before = markedBy(ledger.id);
  assert.ok(before.length >= 12, `the instance's processes carry its owner mark (${before.length})`);
  process.kill(sim.child.pid!, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(before.some((p) => existsSync(`/proc/${p}`)), 'its control plane outlives a SIGKILL of the launcher');
  assert.ok(existsSync(dir), dir);
  // The next instance reaps what the dead one left: processes, routes, its scratch directory (kubeconfigs, PKI keys).
  const next = await startSim({ kit: kitOf(['bp-cilium']), faults: [], modules: [] });
  const nextId = next.ctx.world.owner.id;
  try {
    assert.deepEqual(markedBy(ledger.id), []);
    assert.deepEqual(dataplaneOf(sim.child.pid!), [], 'the PostgreSQL pair and the counter apps reaped');
    assert.equal(existsSync(dir), false, `${dir} removed`);
    assert.deepEqual(present(), [], 'no namespace, veth or bridge of the dead instance is left');
  } finally {
    await next.stop();
  }
  assert.deepEqual(markedBy(nextId), [], 'a stopped instance leaves no process');
  await sim.stop(); // the launcher is long dead: this removes what the test itself made (its target file)
});
