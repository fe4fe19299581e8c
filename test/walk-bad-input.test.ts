/**
 * Bad input is refused before the walk starts anything: exit 2, one line naming the problem,
 * well under 5 s, and no run folder left behind (the run folder is made before any target starts,
 * and removed again when the walk stops before it started).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { walk } from './helpers/walk.js';
import { MAX_KIT_SLOTS } from '../src/kit/load.js';
import { tempDir } from './helpers/temp.js';

const dir = tempDir('sw-bad-input-');

const slot = (name: string, dependsOn: string[] = [], n = name) => ({ slot: n, name, dependsOn, ready: { kind: 'helmrelease-ready', namespace: 'flux-system', name } });
function kitFile(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

async function refused(args: string[], re: RegExp): Promise<void> {
  const reportDir = mkdtempSync(join(dir, 'reports-'));
  // The hang bound: a walk that spins instead of refusing is killed here and fails the exit-code check.
  const r = await walk(args, { reportDir, timeoutMs: 30_000 });
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^walk: /);
  assert.match(lines[0], re);
  assert.equal(r.stdout, '');
  assert.deepEqual(readdirSync(reportDir), [], 'no run folder is left');
}

test('--report-dir on /proc or /sys, or where a file is in the way: refused, never spins', async () => {
  await refused(['--report-dir', '/proc/forbidden'], /--report-dir \/proc\/forbidden: \/proc is on the kernel's \/proc pseudo filesystem/);
  await refused(['--report-dir', '/proc/self/reports'], /\/proc pseudo filesystem/);
  await refused(['--report-dir', '/sys/fs/cgroup/reports'], /\/sys pseudo filesystem/);
  const file = kitFile('a-file', 'x');
  await refused(['--report-dir', join(file, 'reports')], /a-file is not a folder/);
  assert.equal(existsSync('/proc/forbidden'), false);
});

test('--sov (and other naming flags) empty or blank', async () => {
  await refused(['--sov', ''], /^walk: --sov is empty: name a Sovereign/);
  await refused(['--sov', '  '], /^walk: --sov is empty/);
  await refused(['--report-dir', ''], /^walk: --report-dir is empty$/);
  await refused(['--kit', ' '], /^walk: --kit is empty$/);
});

test('kits: malformed JSON with the parser\'s message whole, cycles, unknown dependsOn, duplicates', async () => {
  const bad = kitFile('bad.json', '{\n  "slots": [\n    {"slot": "01"},\n  ]\n}');
  await refused(['--kit', bad], /bad\.json: not JSON: Unexpected token '\]', .*"01"\},\\n  \]\\n\}" is not valid JSON$/);
  const cycle = kitFile('cycle.json', { slots: [slot('a', ['c']), slot('b', ['a']), slot('c', ['b'])] });
  await refused(['--kit', cycle], /cycle\.json: dependsOn has a cycle: (a → c → b → a|b → a → c → b|c → b → a → c)$/);
  const unknown = kitFile('unknown.json', { slots: [slot('a'), slot('b', ['a', 'bp-nope', 'bp-gone'])] });
  await refused(['--kit', unknown], /unknown\.json: dependsOn names slots the kit does not list: b → bp-nope, b → bp-gone$/);
  const dup = kitFile('dup.json', { slots: [slot('a'), slot('a', [], '02')] });
  await refused(['--kit', dup], /dup\.json: slot name a appears twice$/);
  const badName = kitFile('badname.json', { slots: [slot('a b', [], '01')] });
  await refused(['--kit', badName], /badname\.json: \/slots\/0\/name must match pattern/);
});

test('a kit over the slot limit is refused up front with the limit and why', async () => {
  const n = MAX_KIT_SLOTS + 1;
  const big = kitFile('big.json', { slots: Array.from({ length: n }, (_, i) => slot(`s${i}`, i ? [`s${i - 1}`] : [], String(i))) });
  await refused(['--kit', big], new RegExp(`big\\.json lists ${n} slots; the walk takes at most ${MAX_KIT_SLOTS} \\(the platform's kit has 48; .*never walked to a verdict\\)$`));
});

test('a region name outside the gate-id alphabet is refused', async () => {
  await refused(['--sov', 't38', '--kubeconfig', `r 1=${kitFile('kc.yaml', '')}`], /the region must be a DNS label/);
});
