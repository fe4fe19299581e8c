/**
 * The dod suite against the simulated Sovereign: a healthy sim passes every check; each DoD
 * fault fails exactly the check(s) it targets, naming the object; the L3 list follows the kit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSim, parseSimFaults, type RunningSim } from '../sim/index.js';
import { FLUX_NS, HR_API } from '../sim/flux/model.js';
import { isTrue } from '../sim/runtime/objects.js';
import { loadKit } from '../src/kit/load.js';
import { Harness } from '../src/run/harness.js';
import type { RunContext, WalkOptions } from '../src/run/context.js';
import type { TargetSpec } from '../src/target/types.js';
import type { Gate } from '../src/gates/types.js';
import { DodSession } from '../src/suites/dod/session.js';
import { planDod } from '../src/suites/dod/plan.js';
import { runDod } from '../src/suites/dod/run.js';
import { DEFAULT_HTTPS_HOSTS } from '../src/suites/dod/https-hosts.js';
import { countGates, verifierLine } from '../src/report/verdict.js';

const KIT = 'fixtures/bootstrap-kit-48.json';
const PRIMARY = 'hz-fsn-rtz-prod';
const SECONDARY = 'hz-hel-rtz-prod';

/** The sim with only the DoD model on top of the cluster world. */
async function startDodSim(faults: string[], kitPath: string): Promise<{ sim: RunningSim; target: TargetSpec }> {
  const kit = loadKit(kitPath);
  const sim = await startSim({ kit, faults: parseSimFaults(faults, kit), modules: ['dod'] });
  return { sim, target: sim.target };
}

/** Until every HelmRelease is Ready and every catalyst-system Deployment available in both regions; the faulted ones are exempt in the primary region only, where the faults apply. */
async function settle(sim: RunningSim, exempt: { releases?: string[]; deployments?: string[] }): Promise<void> {
  const deadline = Date.now() + 30_000;
  const done = () =>
    sim.ctx.regions.every((r) => {
      const faulted = r.name === PRIMARY ? exempt : {};
      const hrs = r.store.list(HR_API, 'HelmRelease', { namespace: FLUX_NS });
      const deploys = r.store.list('apps/v1', 'Deployment', { namespace: 'catalyst-system' });
      return (
        hrs.length > 0 &&
        hrs.every((hr) => faulted.releases?.includes(hr.metadata.name) || isTrue(hr, 'Ready')) &&
        deploys.every((d) => faulted.deployments?.includes(d.metadata.name) || isTrue(d, 'Available'))
      );
    });
  while (!done()) {
    if (Date.now() > deadline) throw new Error('the sim did not settle within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function walkDod(faults: string[], opts: { kitPath?: string; exempt?: { releases?: string[]; deployments?: string[] } } = {}): Promise<Gate[]> {
  const kitPath = opts.kitPath ?? KIT;
  const { sim, target } = await startDodSim(faults, kitPath);
  try {
    await settle(sim, opts.exempt ?? {});
    const options = { minNodes: 4, kitPath } as WalkOptions;
    const ctx: RunContext = { runId: 'dod-test', runDir: mkdtempSync(join(tmpdir(), 'dod-run-')), target, options, startedAt: new Date().toISOString() };
    const h = new Harness(ctx);
    try {
      return await runDod(planDod({ target, options, kit: loadKit(kitPath), hosts: DEFAULT_HTTPS_HOSTS }), new DodSession(h));
    } finally {
      await h.close();
      rmSync(ctx.runDir, { recursive: true, force: true });
    }
  } finally {
    await sim.stop();
  }
}

function notPassing(gates: Gate[]): Gate[] {
  return gates.filter((g) => g.status !== 'passed');
}

/** The fault fails exactly `ids`, each failed (not errored) and naming `names` in its reason. */
async function expectOnly(fault: string | string[], ids: string[], names: (string | RegExp)[], exempt?: { releases?: string[]; deployments?: string[] }): Promise<Gate[]> {
  const gates = await walkDod(([] as string[]).concat(fault), { exempt });
  const bad = notPassing(gates);
  assert.deepEqual(bad.map((g) => g.id).sort(), [...ids].sort(), `${fault}: ${bad.map((g) => `${g.id} [${g.status}] ${g.reason}`).join('\n')}`);
  for (const g of bad) {
    assert.equal(g.status, 'failed', `${g.id}: ${g.reason}`);
    for (const n of names) assert.match(g.reason, typeof n === 'string' ? new RegExp(n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : n, `${g.id} names ${n}`);
  }
  assert.match(verifierLine(countGates(gates)), new RegExp(`^❌ NOT READY — ${ids.length} of ${gates.length} checks failed\\.`));
  return gates;
}

test('healthy sim: every dod check passes, with evidence', async () => {
  const gates = await walkDod([]);
  assert.deepEqual(notPassing(gates).map((g) => `${g.id}: ${g.reason}`), []);
  assert.equal(gates.length, 142);
  assert.equal(verifierLine(countGates(gates)), '✅ TRUE READY — all 142 checks pass.');
  assert.deepEqual(gates.filter((g) => !g.evidence.length).map((g) => g.id), [], 'every check attaches evidence');
  for (const layer of ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7', 'H']) assert.ok(gates.some((g) => g.labels.layer === layer), layer);
  const api = gates.find((g) => g.id === 'dod/L4.catalyst-api')!;
  assert.equal(api.metrics?.[`restarts.${PRIMARY}`], 0);
  assert.equal(gates.find((g) => g.id === 'dod/L3.hz-fsn-rtz-prod.16-bp-cnpg')?.labels.dodGate, 'L3.16');
});

test('node-notready:<region> fails only that region\'s node count, naming the node', async () => {
  await expectOnly(`node-notready:${SECONDARY}`, [`dod/L2.${SECONDARY}.nodes`], ['hel-w-3', 'Ready=False', '3/4']);
});

test('hr-unknown:<slot> fails that HelmRelease\'s gate and the Unknown count', async () => {
  await expectOnly('hr-unknown:bp-librechat', [`dod/L3.${PRIMARY}.48-bp-librechat`, `dod/L3.${PRIMARY}.unknown-count`], ['flux-system/bp-librechat', 'Ready=Unknown'], { releases: ['bp-librechat'] });
});

test('cp-pod-notready:<component> fails that component\'s L4 check, naming the pod', async () => {
  await expectOnly('cp-pod-notready:catalyst-catalog', ['dod/L4.catalyst-catalog'], [/catalyst-system\/catalyst-catalog-\S+ in hz-fsn-rtz-prod not Ready \(CrashLoopBackOff\)/], { deployments: ['catalyst-catalog'] });
});

test('host-502:gitea fails the gitea L5 check only', async () => {
  await expectOnly('host-502:gitea', ['dod/L5.gitea'], ['https://gitea.sim.sovereign-walk.test/', 'server error 502']);
});

test('staging-cert fails the certificate check, naming the issuer', async () => {
  await expectOnly('staging-cert', ['dod/L5.tls'], ["(STAGING) Let's Encrypt", 'matches /STAGING|Fake/', 'console.sim.sovereign-walk.test']);
});

test('kubectl-patch:<ns>/<deployment> fails the managedFields audit, naming resource, manager and time', async () => {
  await expectOnly('kubectl-patch:kube-system/coredns', [`dod/L6.${PRIMARY}.managers`], ['Deployment kube-system/coredns', 'manager kubectl-patch', /at \d{4}-\d\d-\d\dT/]);
});

test('late-restart:<ns>/<deployment> fails the restartedAt audit, naming resource and time', async () => {
  await expectOnly('late-restart:cnpg-system/cnpg-cloudnative-pg', [`dod/L6.${PRIMARY}.restarts`], ['Deployment cnpg-system/cnpg-cloudnative-pg', 'kubectl.kubernetes.io/restartedAt=', 'after the bootstrap window']);
});

test('cutover-incomplete fails the cutover-complete check even though every Job completed', async () => {
  await expectOnly('cutover-incomplete', ['dod/L7.cutover-complete'], ['ConfigMap catalyst/self-sovereign-cutover-status cutoverComplete=false', 'record', 'cutoverComplete=false']);
});

test('helmrepo-ghcr:<name> fails the HelmRepository check, naming it in every region', async () => {
  await expectOnly('helmrepo-ghcr:openova-catalog', ['dod/L7.helmrepositories'], [`HelmRepository flux-system/openova-catalog url oci://ghcr.io/openova-io in ${PRIMARY}`, SECONDARY]);
});

test('forbidden-literal:<surface> fails that surface\'s hygiene scan, naming bundle and offset', async () => {
  const gates = await expectOnly(['forbidden-literal:marketplace', 'forbidden-literal:console'], ['dod/H.marketplace', 'dod/H.console'], ['console.openova.io', /at offset \d+ \(line 1:\d+, mothership-host\)/]);
  assert.match(gates.find((g) => g.id === 'dod/H.marketplace')!.reason, /https:\/\/marketplace\.sim\.sovereign-walk\.test\/_astro\/hoisted-\S+\.js at offset/);
  assert.match(gates.find((g) => g.id === 'dod/H.console')!.reason, /https:\/\/console\.sim\.sovereign-walk\.test\/assets\/index-\S+\.js at offset/);
});

test('the L3 list follows --kit: an extra slot adds a check per region, no code change', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dod-kit-'));
  const kit = JSON.parse(readFileSync('fixtures/bootstrap-kit-2026-04-30.json', 'utf8')) as { slots: unknown[] };
  kit.slots.push({ slot: '36a', name: 'bp-sovereign-walk-extra', dependsOn: ['bp-cilium'], ready: { kind: 'helmrelease-ready', namespace: 'flux-system', name: 'bp-sovereign-walk-extra' } });
  const kitPath = join(dir, 'kit.json');
  writeFileSync(kitPath, JSON.stringify(kit));
  const gates = await walkDod([], { kitPath });
  rmSync(dir, { recursive: true, force: true });
  const extra = gates.filter((g) => /\.36a-bp-sovereign-walk-extra$/.test(g.id));
  assert.deepEqual(extra.map((g) => [g.id, g.status]), [
    [`dod/L3.${PRIMARY}.36a-bp-sovereign-walk-extra`, 'passed'],
    [`dod/L3.${SECONDARY}.36a-bp-sovereign-walk-extra`, 'passed'],
  ]);
  assert.equal(gates.filter((g) => g.labels.layer === 'L3').length, 2 * 36 + 4);
  assert.deepEqual(notPassing(gates).map((g) => `${g.id}: ${g.reason}`), []);
});
