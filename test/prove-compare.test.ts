/**
 * The proof's comparison and orchestration without a Sovereign: walks answered by summaries built
 * to match the catalogue (and then spoiled: a judge that always passes, a collateral red, an
 * absent gate, a wrong root cause), through runProve as `npm run prove` runs it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIM_REGIONS, SIM_SOVEREIGN, parseSimFaults } from '../sim/index.js';
import { loadKit } from '../src/kit/load.js';
import type { Gate, GateStatus, Summary } from '../src/gates/types.js';
import { CATALOGUE_PATH, loadCatalogue } from '../src/prove/catalogue.js';
import { declaredGates, type DeclaredGate } from '../src/prove/gate-universe.js';
import { selectWalks } from '../src/prove/select.js';
import { runProve } from '../src/prove/run-prove.js';
import type { Walker } from '../src/prove/walker.js';
import type { PlannedWalk } from '../src/prove/plan.js';
import type { Proof } from '../src/prove/proof.js';
import { writeReports } from '../src/report/write-reports.js';
import { KIT_48 } from './helpers/kits.js';
import { tempDir } from './helpers/temp.js';

const kit = loadKit(KIT_48);
const target = { sovereign: SIM_SOVEREIGN, regions: SIM_REGIONS.map((r) => ({ ...r, kubeconfigPath: '' })), tls: { issuerMustMatch: '.', issuerMustNotMatch: '' } };
const SUITES = ['readiness', 'dod'];
const declared = declaredGates(kit, target, SUITES);
const { walks, notApplicable } = selectWalks({ catalogue: loadCatalogue(CATALOGUE_PATH), kit, declared, suites: SUITES, only: ['hr-stuck', 'hr-flap', 'suspended', 'node-notready', 'kubectl-patch'], checkFaults: parseSimFaults });

function gate(d: DeclaredGate, status: GateStatus, extra: Partial<Gate> = {}): Gate {
  const t = '2026-12-07T00:00:00.000Z';
  return { id: d.id, suite: d.suite, title: d.id, status, reason: status === 'passed' ? 'fine' : 'red', startedAt: t, finishedAt: t, labels: {}, evidence: [], ...extra };
}

/** What a walk whose gates do exactly what its faults' entries expect would summarise. */
function summaryOf(w: PlannedWalk): Summary {
  const gates = declared.filter((d) => w.suites.includes(d.suite)).map((d) => {
    for (const e of w.entries) {
      const x = e.red.get(d.id);
      if (!x) continue;
      // A reason the entry's pattern accepts: the pattern's own text, unescaped.
      const reason = x.reason ? x.reason.source.replace(/\\(.)/g, '$1').replace(/\|.*$/, '').replace(/\\d\+/g, '1') : 'red';
      return gate(d, x.statuses[0], { reason, ...(x.rootCause ? { rootCause: x.rootCause } : {}) });
    }
    return gate(d, 'passed');
  });
  const t = '2026-12-07T00:00:00.000Z';
  return { schemaVersion: 1, tool: { name: 'sovereign-walk', version: '0' }, runId: w.id, target: 'sim', targetKind: 'sim', sovereign: SIM_SOVEREIGN, startedAt: t, finishedAt: t, verdict: 'fail', counts: { passed: 0, failed: 0, blocked: 0, skipped: 0, error: 0 }, suites: w.suites.map((name) => ({ name, startedAt: t, finishedAt: t })), gates, timelines: [], janitor: [], options: {} };
}

/** A walker answering from summaries: `spoil` changes the summary of the walk that ran these faults. */
function fakeWalker(spoil?: (faults: string[], s: Summary) => void): { walker: Walker; calls: string[][] } {
  const calls: string[][] = [];
  const walker: Walker = async (r) => {
    calls.push(r.args);
    const w = walks.find((x) => JSON.stringify(x.entries.flatMap((e) => e.entry.faults)) === JSON.stringify(r.args.filter((_, i) => r.args[i - 1] === '--sim-fault')))!;
    const s = summaryOf(w);
    spoil?.(w.entries.flatMap((e) => e.entry.faults), s);
    return { exitCode: w.entries.length ? 1 : 0, summary: s, runDir: join(r.reportDir, 'sim', w.id) };
  };
  return { walker, calls };
}

async function prove(walker: Walker): Promise<{ code: number; out: string; proof: Proof; dir: string }> {
  const dir = tempDir('sw-prove-');
  let out = '';
  const code = await runProve({ walks, declared, notApplicable, commonArgs: ['--kit', KIT_48], proofDir: dir, tool: { name: 'sovereign-walk', version: '0' }, kit: KIT_48, suites: SUITES, json: false }, walker, { out: (s) => (out += s), err: () => {}, color: false });
  return { code, out, proof: JSON.parse(readFileSync(join(dir, 'proof.json'), 'utf8')) as Proof, dir };
}

const setStatus = (s: Summary, id: string, status: GateStatus, reason = 'judged') => {
  const g = s.gates.find((x) => x.id === id)!;
  Object.assign(g, { status, reason, rootCause: undefined });
};

test('walks as the catalogue expects: exit 0, every expected red caught, the unproven gates listed, every declared gate a row', async () => {
  const { walker, calls } = fakeWalker();
  const { code, out, proof, dir } = await prove(walker);
  assert.equal(code, 0, out);
  assert.equal(calls.length, walks.length);
  assert.deepEqual(calls[0], ['--kit', KIT_48, '--suite', 'readiness,dod'], 'the healthy walk has no fault');
  assert.equal(proof.verdict, 'pass');
  assert.deepEqual(proof.gates.map((g) => g.id), declared.map((d) => d.id), 'one row per declared gate, none absent');
  assert.ok(proof.cells.every((c) => c.mark === 'caught' || c.mark === 'held'));
  assert.deepEqual(proof.gates.find((g) => g.id === 'readiness/05-bp-sealed-secrets')?.caughtBy, ['hr-stuck:bp-cilium', 'hr-stuck:bp-sealed-secrets'], 'blocked by one, failed by the other');
  assert.ok(proof.gates.find((g) => g.id === 'dod/L1.status')?.unproven, 'no fault of this selection turns the record check red');
  assert.match(out, /✅ PROVEN — all \d+ expected reds of \d+ faults caught in \d+ walks/);
  assert.match(out, /\? dod\/L1\.status +UNPROVEN: no fault turns it red/);
  const md = readFileSync(join(dir, 'proof.md'), 'utf8');
  assert.match(md, /### Unproven gates \(\d+\)/);
  assert.match(md, /\| `readiness\/05-bp-sealed-secrets` \| ✅ proven \| passed \| `hr-stuck:bp-cilium`, `hr-stuck:bp-sealed-secrets` \|/);
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  assert.match(html, /<td class="c caught" title="hr-stuck:bp-sealed-secrets × readiness\/05-bp-sealed-secrets: caught;/);
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)="https?:/, 'offline: nothing fetched from the network');
});

test('a judge weakened to always pass: exit 1, the gate named as missed', async () => {
  // What the readiness judge of bp-sealed-secrets reports once it always passes.
  const { walker } = fakeWalker((faults, s) => faults.includes('hr-stuck:bp-sealed-secrets') && setStatus(s, 'readiness/05-bp-sealed-secrets', 'passed'));
  const { code, out, proof } = await prove(walker);
  assert.equal(code, 1);
  assert.equal(proof.verdict, 'fail');
  assert.match(out, /MISSED readiness\/05-bp-sealed-secrets under hr-stuck:bp-sealed-secrets: expected failed \/ServiceMonitor[^/]*\/, judged passed/);
  assert.match(out, /❌ NOT PROVEN — 1 missed, 0 collateral/);
  assert.deepEqual(proof.gates.find((g) => g.id === 'readiness/05-bp-sealed-secrets')?.missedBy, ['hr-stuck:bp-sealed-secrets']);
});

test('a red no fault of its walk expects is collateral of every fault of that walk; an absent gate and a wrong root cause are named too', async () => {
  const { walker } = fakeWalker((faults, s) => {
    if (!faults.length) s.gates = s.gates.filter((g) => g.id !== 'dod/L7.jobs');
    if (faults.includes('kubectl-patch:kube-system/coredns')) setStatus(s, 'dod/L4.catalyst-api', 'failed', 'catalyst-api pods not Ready');
    if (faults.includes('hr-stuck:bp-cilium')) Object.assign(s.gates.find((g) => g.id === 'readiness/02-bp-cert-manager')!, { rootCause: 'readiness/28-bp-reloader' });
  });
  const { code, out, proof } = await prove(walker);
  assert.equal(code, 1);
  const dodWalk = proof.walks.find((w) => w.entries.includes('kubectl-patch:kube-system/coredns'))!;
  assert.ok(dodWalk.entries.length > 1, 'several faults share the DoD walk');
  assert.match(out, new RegExp(`COLLATERAL dod/L4\\.catalyst-api under ${dodWalk.id} \\(${dodWalk.entries.join(', ')}\\): expected green, judged failed — catalyst-api pods not Ready`));
  assert.deepEqual(proof.gates.find((g) => g.id === 'dod/L4.catalyst-api')?.collateralOf, dodWalk.entries);
  assert.match(out, /COLLATERAL dod\/L7\.jobs under the healthy walk: expected green, judged absent/);
  assert.match(out, /MISSED readiness\/02-bp-cert-manager under hr-stuck:bp-cilium: expected blocked by readiness\/01-bp-cilium, judged blocked by readiness\/28-bp-reloader/);
});

test('a walk that cannot start is a set-up error (exit 2); the proof of what ran is still written', async () => {
  const walker: Walker = async (r) => (r.args.includes('--sim-fault') ? { exitCode: 2, error: 'exit 2: walk: the control plane is not built' } : fakeWalker().walker(r));
  const { code, proof } = await prove(walker);
  assert.equal(code, 2);
  assert.equal(proof.walks.length, 2);
  assert.equal(proof.walks[1].error, 'exit 2: walk: the control plane is not built');
  assert.ok(proof.cells.some((c) => c.mark === 'missed' && /not judged: exit 2/.test(c.observed)));
});

test("the walk's HTML report links the newest proof of its own harness version in the report folder", async () => {
  const root = tempDir('sw-reports-');
  const write = (id: string, version: string, finishedAt: string, verdict: Proof['verdict']) => {
    mkdirSync(join(root, 'prove', id), { recursive: true });
    writeFileSync(join(root, 'prove', id, 'proof.json'), JSON.stringify({ proofVersion: 1, tool: { name: 'sovereign-walk', version }, commit: 'abcdef0123456789', kit: 'k', suites: [], startedAt: finishedAt, finishedAt, verdict, walks: [], faults: [], gates: [], cells: [], notApplicable: [] }));
  };
  write('older', '0.1.0', '2026-12-01T00:00:00.000Z', 'fail');
  write('newest', '0.1.0', '2026-12-05T00:00:00.000Z', 'pass');
  write('other-version', '0.2.0', '2026-12-06T00:00:00.000Z', 'pass');
  const runDir = join(root, 'sim', 'run-1');
  mkdirSync(runDir, { recursive: true });
  const s = { ...summaryOf(walks[0]), tool: { name: 'sovereign-walk', version: '0.1.0' } };
  await writeReports(runDir, s);
  const html = readFileSync(join(runDir, 'index.html'), 'utf8');
  assert.match(html, /<dt>Proof<\/dt><dd><a href="\.\.\/\.\.\/prove\/newest\/index\.html">✅ PROVEN — all 0 expected reds/);
  assert.match(html, /commit <span class="mono">abcdef012345<\/span>/);
  const alone = tempDir('sw-reports-');
  mkdirSync(join(alone, 'sim', 'run-1'), { recursive: true });
  await writeReports(join(alone, 'sim', 'run-1'), s);
  assert.doesNotMatch(readFileSync(join(alone, 'sim', 'run-1', 'index.html'), 'utf8'), /<dt>Proof<\/dt>/, 'no proof in the folder: no link');
});
