/**
 * The fault catalogue against what the embedded Sovereign can inject and what the suites declare,
 * without walking anything: every fault kind (and every tether and bundle surface) has an entry,
 * every entry's specs are valid for the 48-slot kit and its gate patterns name declared gates, and
 * the plan shares a walk only between faults whose gates are disjoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIM_FAULT_KINDS, SIM_REGIONS, SIM_SOVEREIGN, parseSimFaults } from '../sim/index.js';
import { TETHERS } from '../sim/cutover/faults.js';
import { BUNDLE_SURFACES } from '../sim/dod/web.js';
import { loadKit } from '../src/kit/load.js';
import { SUITES } from '../src/cli/args.js';
import { CATALOGUE_PATH, loadCatalogue } from '../src/prove/catalogue.js';
import { declaredGates } from '../src/prove/gate-universe.js';
import { selectWalks } from '../src/prove/select.js';
import { KIT_48, kitOf } from './helpers/kits.js';

const catalogue = loadCatalogue(CATALOGUE_PATH);
const kit = loadKit(KIT_48);
const target = { sovereign: SIM_SOVEREIGN, regions: SIM_REGIONS.map((r) => ({ ...r, kubeconfigPath: '' })), tls: { issuerMustMatch: '.', issuerMustNotMatch: '' } };
const all = [...SUITES];
const declared = declaredGates(kit, target, all);
const specs = catalogue.entries.flatMap((e) => e.faults);

test('every fault kind the embedded Sovereign registers has an entry, and so has every tether and bundle surface', () => {
  const kinds = new Set(specs.map((s) => s.split(':')[0]));
  assert.deepEqual(SIM_FAULT_KINDS.map((k) => k.kind).filter((k) => !kinds.has(k)), []);
  for (const t of TETHERS) assert.ok(specs.includes(`tether:${t}`), `tether:${t}`);
  for (const b of BUNDLE_SURFACES) assert.ok(specs.includes(`forbidden-literal:${b}`), `forbidden-literal:${b}`);
  for (const f of ['failover:slow', 'failover:none']) assert.ok(specs.includes(f), f);
});

test('on the 48-slot kit every entry is walked: its specs are valid and its patterns name declared gates', () => {
  const s = selectWalks({ catalogue, kit, declared, suites: all, only: [], checkFaults: parseSimFaults });
  assert.deepEqual(s.notApplicable, []);
  assert.equal(s.resolved.length, catalogue.entries.length);
  for (const r of s.resolved) assert.ok(r.red.size + r.green.size > 0, `${r.entry.id} expects something`);
  assert.ok(declared.length > 200, `${declared.length} declared gates`);
});

test('the plan: the healthy walk first with every suite, then every entry in exactly one walk, sharing it only over disjoint gates', () => {
  const { walks } = selectWalks({ catalogue, kit, declared, suites: all, only: [], checkFaults: parseSimFaults });
  assert.equal(walks[0].id, 'healthy');
  assert.deepEqual(walks[0].suites, all);
  assert.deepEqual(walks[0].entries, []);
  const placed = walks.flatMap((w) => w.entries.map((e) => e.entry.id));
  assert.deepEqual([...placed].sort(), catalogue.entries.map((e) => e.id).sort());
  for (const w of walks.slice(1)) {
    const seen = new Map<string, string>();
    for (const e of w.entries) {
      assert.deepEqual(e.suites, w.suites, `${e.entry.id} shares ${w.id} only with faults of the same suites`);
      for (const g of [...e.red.keys(), ...e.green, ...e.ignore]) {
        assert.ok(!seen.has(g), `${w.id}: ${g} touched by ${seen.get(g)} and ${e.entry.id}`);
        seen.set(g, e.entry.id);
      }
      if (e.entry.alone) assert.equal(w.entries.length, 1, `${e.entry.id} walks alone`);
    }
  }
  // The partition keeps every failover gate green, and heal:no-rejoin every one but the rejoin, so each shares its walk with no other failover fault.
  assert.ok(walks.length <= 13, `${walks.length} walks`);
});

test('--suite and --fault narrow the proof; a kit without a fault\'s slots leaves the entry out, saying why', () => {
  const readiness = selectWalks({ catalogue, kit, declared: declaredGates(kit, target, ['readiness']), suites: ['readiness'], only: [], checkFaults: parseSimFaults });
  for (const r of readiness.resolved) for (const g of [...r.red.keys(), ...r.green]) assert.match(g, /^readiness\//, r.entry.id);
  assert.ok(readiness.notApplicable.some((n) => n.id === 'node-notready:hz-hel-rtz-prod' && /no gate of the walked suites/.test(n.why)));
  const stuck = readiness.resolved.find((r) => r.entry.id === 'hr-stuck:bp-sealed-secrets')!;
  assert.deepEqual([...stuck.red.keys()], ['readiness/05-bp-sealed-secrets'], 'its DoD expectations are left out');

  const only = selectWalks({ catalogue, kit, declared, suites: all, only: ['hr-stuck', 'tether:smtp'], checkFaults: parseSimFaults });
  assert.deepEqual(only.resolved.map((r) => r.entry.id).sort(), ['hr-stuck:bp-cilium', 'hr-stuck:bp-sealed-secrets', 'tether:smtp']);
  assert.throws(() => selectWalks({ catalogue, kit, declared, suites: all, only: ['no-such-fault'], checkFaults: parseSimFaults }), /--fault no-such-fault: no entry id or fault kind of the catalogue/);

  const small = kitOf(['bp-cilium', 'bp-cert-manager', 'bp-sealed-secrets']);
  const cut = selectWalks({ catalogue, kit: small, declared: declaredGates(small, target, ['readiness']), suites: ['readiness'], only: ['hr-stuck'], checkFaults: parseSimFaults });
  const cilium = cut.resolved.find((r) => r.entry.id === 'hr-stuck:bp-cilium')!;
  assert.deepEqual([...cilium.red.keys()], ['readiness/01-bp-cilium', 'readiness/02-bp-cert-manager', 'readiness/05-bp-sealed-secrets'], 'the dependents follow the kit');
  const vpa = selectWalks({ catalogue, kit: small, declared: declaredGates(small, target, ['readiness']), suites: ['readiness'], only: ['suspended'], checkFaults: parseSimFaults });
  assert.match(vpa.notApplicable[0]?.why ?? '', /"bp-vpa" is not a slot of the kit/);
});
