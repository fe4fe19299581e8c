/**
 * The walk's scratch folders (the browser's trust store, raw HAR files): removed by their owner,
 * else when the process exits however it exits (a stop signal's exit 130 included), and a folder
 * a killed process (kill -9) left is removed by the next process that makes one of its kind.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.js';
import { scratchDir } from '../src/run/scratch.js';

const PREFIX = `sw-scratch-test${process.pid}`;

test('a scratch folder is gone once removed, and one left open is gone when its process exits 130', () => {
  const s = scratchDir(PREFIX);
  assert.ok(existsSync(s.path) && s.path.includes(`${PREFIX}-${process.pid}-`));
  s.remove();
  assert.ok(!existsSync(s.path));

  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
    import { scratchDir } from ${JSON.stringify(join(ROOT, 'src/run/scratch.ts'))};
    console.log(scratchDir(${JSON.stringify(PREFIX)}).path);
    process.exit(130);
  `], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(child.status, 130, child.stderr);
  assert.ok(!existsSync(child.stdout.trim()), 'removed at exit');
});

test("what a killed process left is removed by the next scratch folder of its kind; a live process's is kept", () => {
  // A kind not made yet by this process: leftovers are looked for once per kind.
  const PREFIX = `sw-scratch-reap${process.pid}`;
  const ours = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`${PREFIX}-`));
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  const left = join(tmpdir(), `${PREFIX}-${dead}-killed`);
  const held = join(tmpdir(), `${PREFIX}-${process.ppid}-held`);
  for (const d of [left, held]) mkdirSync(join(d, '.pki'), { recursive: true });
  try {
    const s = scratchDir(PREFIX);
    assert.deepEqual(ours().sort(), [`${PREFIX}-${process.ppid}-held`, s.path.slice(tmpdir().length + 1)].sort());
    s.remove();
  } finally {
    for (const d of [left, held]) rmSync(d, { recursive: true, force: true });
  }
});
