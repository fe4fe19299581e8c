/**
 * Ctrl+C while the walk judges the browser journeys in its own process, Chromium running: the walk
 * stops as it does in every suite (exit 130, its reports written, summary.md ending `⏹ STOPPED —
 * by SIGINT during journeys`), not through Playwright's own SIGINT handler, which would exit the
 * walk with 130 before it wrote anything; and the Chromium it launched is gone once it exits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, WALK_CLI } from './helpers/cli.js';
import { JOURNEY_SLOTS, kitFileOf } from './helpers/kits.js';
import { tempDir } from './helpers/temp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Chromium browser processes whose parent is `pid`. */
function chromiumChildren(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' }).trim().split('\n');
  return rows.map((r) => r.trim().split(/\s+/)).filter(([, ppid, comm]) => Number(ppid) === pid && /chrom/.test(comm ?? '')).map(([p]) => Number(p));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('Ctrl+C during the journeys: exit 130, reports written ending STOPPED, no Chromium left', { timeout: 10 * 60_000 }, async () => {
  const reportDir = tempDir('sw-journeys-stop-');
  const child = spawn(process.execPath, [WALK_CLI, '--report-dir', reportDir, '--suite', 'journeys', '--kit', kitFileOf(JOURNEY_SLOTS)], { cwd: ROOT, env: { ...process.env, CI: '1' }, detached: true });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let ended = false;
  void exited.then(() => (ended = true));
  try {
    let browsers: number[] = [];
    const deadline = Date.now() + 6 * 60_000;
    while (!ended && !browsers.length && Date.now() < deadline) {
      await sleep(500);
      browsers = chromiumChildren(child.pid!);
    }
    assert.ok(browsers.length, `the walk launched no Chromium (exited: ${ended}):\n${out.slice(-2000)}`);
    assert.match(out, /journeys ▶ judging/, 'the journeys are being judged');
    // Ctrl+C reaches the walk's process group; Chromium runs in a group of its own.
    process.kill(-child.pid!, 'SIGINT');
    const code = await Promise.race([exited, sleep(3 * 60_000).then(() => 'timeout' as const)]);
    assert.equal(code, 130, out.slice(-2000));
    const summaries = readdirSync(reportDir, { recursive: true }).map(String).filter((f) => f.endsWith('summary.md'));
    assert.equal(summaries.length, 1, `one summary.md under ${reportDir}:\n${out.slice(-2000)}`);
    const md = readFileSync(join(reportDir, summaries[0]), 'utf8');
    assert.match(md.trimEnd().split('\n').at(-1) ?? '', /^⏹ STOPPED — by SIGINT during journeys/);
    for (let i = 0; i < 20 && browsers.some(alive); i++) await sleep(250);
    assert.deepEqual(browsers.filter(alive), [], 'the Chromium the walk launched is gone');
  } finally {
    if (!ended) process.kill(-child.pid!, 'SIGKILL');
  }
});
