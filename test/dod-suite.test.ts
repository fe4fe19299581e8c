/**
 * The dod suite against the embedded Sovereign (real API servers, real Flux): a healthy world
 * passes every check; each DoD fault fails exactly the check(s) it targets, naming the object; the
 * L3 list follows the kit.
 *
 * Three worlds, one at a time, each on a small kit (the slots whose products the DoD probes):
 * - healthy, with one extra slot in the kit (the L3 list follows it);
 * - every fault whose effect stays on its own gate, together: one walk judges them all, and
 *   together they fail exactly the union of their gates;
 * - staging-cert alone: the front door's certificate is one Flux does not trust either, so the kit
 *   never installs and only the certificate check is walked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSim, parseSimFaults, type RunningSim } from '../sim/index.js';
import { loadKit } from '../src/kit/load.js';
import type { Kit } from '../src/kit/types.js';
import { Harness } from '../src/run/harness.js';
import type { RunContext, WalkOptions } from '../src/run/context.js';
import { RegionClient } from '../src/target/kube.js';
import { condition } from '../src/target/objects.js';
import type { Gate } from '../src/gates/types.js';
import { DodSession } from '../src/suites/dod/session.js';
import { planDod } from '../src/suites/dod/plan.js';
import { runDod } from '../src/suites/dod/run.js';
import { DEFAULT_HTTPS_HOSTS } from '../src/suites/dod/https-hosts.js';
import { countGates, verifierLine } from '../src/report/verdict.js';
import { DOD_SLOTS, KIT_48, kitOf } from './helpers/kits.js';

const PRIMARY = 'hz-fsn-rtz-prod';
const SECONDARY = 'hz-hel-rtz-prod';
const SOV = 'sim.sovereign-walk.test';
/** World start (~25 s idle, minutes on a busy machine) plus the small kit's install. */
const WORLD_MS = 10 * 60_000;
/** How long a started world may take to show what a walk expects. */
const CONVERGE_MS = 5 * 60_000;

/** The kit written to a file and loaded as `--kit` would load it (schema, dependsOn graph). */
function kitFile(kit: Kit): Kit {
  const dir = mkdtempSync(join(tmpdir(), 'dod-kit-'));
  try {
    writeFileSync(join(dir, 'kit.json'), JSON.stringify(kit));
    return loadKit(join(dir, 'kit.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startDodSim(kit: Kit, faults: string[], modules: ('dod' | 'cutover')[] = ['dod', 'cutover']): Promise<RunningSim> {
  return startSim({ kit, faults: parseSimFaults(faults, kit), modules });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Until every region lists the kit's HelmReleases, all Ready=True but `unsettled` (any state). */
async function kitInstalled(sim: RunningSim, kit: Kit, unsettled: string[] = []): Promise<void> {
  const clients = sim.target.regions.map((r) => new RegionClient(r));
  const deadline = Date.now() + CONVERGE_MS;
  let last = '';
  try {
    for (;;) {
      const waiting = (
        await Promise.all(
          clients.map(async (rc, i) => {
            const hrs = (await rc.list('helmreleases.helm.toolkit.fluxcd.io', { namespace: 'flux-system' }).catch(() => ({ items: [] }))).items;
            const missing = kit.slots.filter((s) => !hrs.some((h) => h.metadata.name === s.name)).map((s) => `${s.name} (not listed)`);
            const notReady = hrs.filter((h) => !unsettled.includes(h.metadata.name) && condition(h, 'Ready')?.status !== 'True').map((h) => `${h.metadata.name} Ready=${condition(h, 'Ready')?.status ?? '(none)'}`);
            return [...missing, ...notReady].map((w) => `${sim.target.regions[i].name}: ${w}`);
          }),
        )
      ).flat();
      if (!waiting.length) return;
      last = waiting.join(', ');
      if (Date.now() > deadline) throw new Error(`the kit did not install within ${CONVERGE_MS / 1000} s: ${last}`);
      await sleep(2000);
    }
  } finally {
    for (const rc of clients) rc.close();
  }
}

/** One DoD walk (all checks, or those `only` keeps), as the dod suite's spec runs them. */
async function walkDod(sim: RunningSim, kit: Kit, only?: (id: string) => boolean): Promise<Gate[]> {
  const target = sim.target;
  const options = { minNodes: 4, kitPath: KIT_48 } as WalkOptions;
  const ctx: RunContext = { runId: 'dod-test', runDir: mkdtempSync(join(tmpdir(), 'dod-run-')), target, options, startedAt: new Date().toISOString() };
  const h = new Harness(ctx);
  try {
    const plan = planDod({ target, options, kit, hosts: DEFAULT_HTTPS_HOSTS }).filter((c) => !only || only(c.id));
    return await runDod(plan, new DodSession(h));
  } finally {
    await h.close();
    rmSync(ctx.runDir, { recursive: true, force: true });
  }
}

/**
 * Walks until `done` holds for a walk (the world converges: pods become Ready, faults land as their
 * objects appear), at most CONVERGE_MS; returns the last walk, which the tests then judge.
 */
async function walkUntil(sim: RunningSim, kit: Kit, done: (gates: Gate[]) => boolean): Promise<Gate[]> {
  const deadline = Date.now() + CONVERGE_MS;
  for (;;) {
    const gates = await walkDod(sim, kit);
    if (done(gates) || Date.now() > deadline) return gates;
    await sleep(3000);
  }
}

const notPassing = (gates: Gate[]) => gates.filter((g) => g.status !== 'passed');
const describeGates = (gates: Gate[]) => gates.map((g) => `${g.id} [${g.status}] ${g.reason}`).join('\n');
const pattern = (n: string | RegExp) => (typeof n === 'string' ? new RegExp(n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : n);

describe('healthy world (the DoD kit plus one slot no code knows)', () => {
  const EXTRA = 'bp-sovereign-walk-extra';
  const kit = kitFile((() => {
    const base = kitOf(DOD_SLOTS);
    return { ...base, slots: [...base.slots, { slot: '36a', name: EXTRA, dependsOn: ['bp-cilium'], ready: { kind: 'helmrelease-ready' as const, namespace: 'flux-system', name: EXTRA } }] };
  })());
  let checks = 0;
  let sim: RunningSim | undefined;
  let gates: Gate[] = [];

  before(async () => {
    sim = await startDodSim(kit, []);
    checks = planDod({ target: sim.target, options: { minNodes: 4 }, kit, hosts: DEFAULT_HTTPS_HOSTS }).length;
    await kitInstalled(sim, kit);
    gates = await walkUntil(sim, kit, (g) => notPassing(g).length === 0);
  }, { timeout: WORLD_MS });
  after(() => sim?.stop());

  test('every dod check passes, with evidence', () => {
    assert.deepEqual(notPassing(gates).map((g) => `${g.id}: ${g.reason}`), []);
    assert.equal(gates.length, checks);
    assert.equal(checks, 5 + 2 * 2 + 2 * (kit.slots.length + 2) + 8 + (DEFAULT_HTTPS_HOSTS.length + 1) + 2 * 2 + 8 + (2 + 2), 'L1 5, L2 2/region, L3 slots+2/region, L4 8, L5 hosts+tls, L6 2/region, L7 8, H 2+1/region');
    assert.equal(verifierLine(countGates(gates)), `✅ TRUE READY — all ${checks} checks pass.`);
    assert.deepEqual(gates.filter((g) => !g.evidence.length).map((g) => g.id), [], 'every check attaches evidence');
    for (const layer of ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7', 'H']) assert.ok(gates.some((g) => g.labels.layer === layer), layer);
    const api = gates.find((g) => g.id === 'dod/L4.catalyst-api')!;
    assert.equal(api.metrics?.[`restarts.${PRIMARY}`], 0);
    assert.equal(gates.find((g) => g.id === `dod/L3.${PRIMARY}.16-bp-cnpg`)?.labels.dodGate, `L3.${kit.slots.findIndex((s) => s.name === 'bp-cnpg') + 1}`);
  });

  test('the L3 list follows the kit: an extra slot adds a check per region, no code change', () => {
    const extra = gates.filter((g) => /\.36a-bp-sovereign-walk-extra$/.test(g.id));
    assert.deepEqual(extra.map((g) => [g.id, g.status]), [
      [`dod/L3.${PRIMARY}.36a-${EXTRA}`, 'passed'],
      [`dod/L3.${SECONDARY}.36a-${EXTRA}`, 'passed'],
    ]);
    assert.match(extra[0].reason, new RegExp(`flux-system/${EXTRA} Ready=True`));
    assert.equal(gates.filter((g) => g.labels.layer === 'L3').length, 2 * kit.slots.length + 4);
  });
});

/** A fault, the gates it fails and what their reasons must name. */
interface Expectation {
  faults: string[];
  ids: string[];
  names: (string | RegExp)[];
}

describe('faults that stay on their own gate, injected together', () => {
  /** A slot nothing depends on and no other check probes: its release is the one held Progressing. */
  const HELD = 'bp-reloader';
  const HELD_SLOT = '28';
  const kit = kitFile(kitOf([...DOD_SLOTS, HELD]));
  const EXPECT: Record<string, Expectation> = {
    'node-notready': { faults: [`node-notready:${SECONDARY}`], ids: [`dod/L2.${SECONDARY}.nodes`], names: ['hel-w-3 Ready=False', `3/4 nodes Ready in ${SECONDARY}`] },
    // The upgrade is pushed to the GitOps repository every region's Flux reconciles.
    'hr-unknown': {
      faults: [`hr-unknown:${HELD}`],
      ids: [PRIMARY, SECONDARY].flatMap((r) => [`dod/L3.${r}.${HELD_SLOT}-${HELD}`, `dod/L3.${r}.unknown-count`]),
      names: [`flux-system/${HELD}`, 'Ready=Unknown', 'Progressing'],
    },
    'cp-pod-notready': { faults: ['cp-pod-notready:catalyst-catalog'], ids: ['dod/L4.catalyst-catalog'], names: [new RegExp(`catalyst-system/catalyst-catalog-\\S+ in ${PRIMARY} not Ready \\(CrashLoopBackOff\\)`)] },
    'host-502': { faults: ['host-502:gitea'], ids: ['dod/L5.gitea'], names: [`https://gitea.${SOV}/`, 'server error 502'] },
    'kubectl-patch': { faults: ['kubectl-patch:kube-system/coredns'], ids: [`dod/L6.${PRIMARY}.managers`], names: ['Deployment kube-system/coredns', 'manager kubectl-patch', /at \d{4}-\d\d-\d\dT/] },
    'late-restart': { faults: ['late-restart:cnpg-system/cnpg-cloudnative-pg'], ids: [`dod/L6.${PRIMARY}.restarts`], names: ['Deployment cnpg-system/cnpg-cloudnative-pg', 'kubectl.kubernetes.io/restartedAt=', 'after the bootstrap window'] },
    'cutover-incomplete': { faults: ['cutover-incomplete'], ids: ['dod/L7.cutover-complete'], names: [`ConfigMap catalyst/self-sovereign-cutover-status cutoverComplete=false`, `in ${PRIMARY}`, /deployment record \S+: cutoverComplete=false/] },
    'helmrepo-ghcr': { faults: ['helmrepo-ghcr:bp-powerdns'], ids: ['dod/L7.helmrepositories'], names: [`HelmRepository flux-system/bp-powerdns url oci://ghcr.io/openova-io in ${PRIMARY}`, `HelmRepository flux-system/bp-powerdns url oci://ghcr.io/openova-io in ${SECONDARY}`] },
    'forbidden-literal': { faults: ['forbidden-literal:marketplace', 'forbidden-literal:console'], ids: ['dod/H.marketplace', 'dod/H.console'], names: ['console.openova.io', /at offset \d+ \(line 1:\d+, mothership-host\)/] },
  };
  const expected = Object.values(EXPECT).flatMap((e) => e.ids).sort();
  let sim: RunningSim | undefined;
  let gates: Gate[] = [];

  /** What is wrong with `gates` for expectation `e` (empty when it holds). */
  const problems = (g: Gate[], e: Expectation) =>
    e.ids.flatMap((id) => {
      const gate = g.find((x) => x.id === id);
      if (!gate) return [`${id} not walked`];
      if (gate.status !== 'failed') return [`${id} is ${gate.status}, not failed: ${gate.reason}`];
      return e.names.filter((n) => !pattern(n).test(gate.reason)).map((n) => `${id} does not name ${n}: ${gate.reason}`);
    });
  const exactly = (g: Gate[]) => JSON.stringify(notPassing(g).map((x) => x.id).sort()) === JSON.stringify(expected);

  before(async () => {
    sim = await startDodSim(kit, Object.values(EXPECT).flatMap((e) => e.faults));
    await kitInstalled(sim, kit, [HELD]);
    gates = await walkUntil(sim, kit, (g) => exactly(g) && Object.values(EXPECT).every((e) => !problems(g, e).length));
  }, { timeout: WORLD_MS });
  after(() => sim?.stop());

  test('together they fail exactly their gates; every other check passes', () => {
    assert.deepEqual(notPassing(gates).map((g) => g.id).sort(), expected, describeGates(notPassing(gates)));
    assert.match(verifierLine(countGates(gates)), new RegExp(`^❌ NOT READY — ${expected.length} of ${gates.length} checks failed\\.`));
  });

  for (const [kind, e] of Object.entries(EXPECT)) {
    test(`${e.faults.join(' + ')} fails ${e.ids.join(', ')}, naming ${e.names.join(', ')}`, () => {
      assert.deepEqual(problems(gates, e), [], `${kind}:\n${describeGates(gates.filter((g) => e.ids.includes(g.id)))}`);
    });
  }

  test('forbidden-literal names the bundle each surface serves', () => {
    assert.match(gates.find((g) => g.id === 'dod/H.marketplace')?.reason ?? '', new RegExp(`https://marketplace\\.${SOV.replace(/\./g, '\\.')}/_astro/hoisted-\\S+\\.js at offset`));
    assert.match(gates.find((g) => g.id === 'dod/H.console')?.reason ?? '', new RegExp(`https://console\\.${SOV.replace(/\./g, '\\.')}/assets/index-\\S+\\.js at offset`));
  });
});

describe('staging-cert (its certificate is one Flux does not trust either: nothing installs)', () => {
  // The certificate check needs the front door only: the smallest kit, no cutover module.
  const kit = kitFile(kitOf(['bp-cilium']));
  let sim: RunningSim | undefined;
  let tls: Gate | undefined;

  before(async () => {
    sim = await startDodSim(kit, ['staging-cert'], ['dod']);
    [tls] = await walkDod(sim, kit, (id) => id === 'dod/L5.tls');
  }, { timeout: WORLD_MS });
  after(() => sim?.stop());

  test('staging-cert fails the certificate check, naming the issuer and the hosts', () => {
    assert.equal(tls?.status, 'failed', tls?.reason);
    for (const n of ["issuer \"CN=(STAGING) Let's Encrypt\" matches /STAGING|Fake/", `console.${SOV}`, `api.${SOV}`]) assert.match(tls!.reason, pattern(n));
    assert.doesNotMatch(tls!.reason, /not trusted/, 'the harness trusts its CA, as a client that accepts the chain would: only the issuer objects');
  });
});
