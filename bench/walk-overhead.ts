/**
 * The walk's own overhead: the compiled `walk --suite readiness` against an already-Ready Sovereign
 * (addressed like a live one: its kubeconfigs, --resolve and --ca-file), its wall time from spawn
 * to exit minus its sweep span (first gate start → last gate end, from its summary.json). What is
 * left is start-up, discovery, reporting and exit: what an operator waits for beyond the judging.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Summary } from '../src/gates/types.js';
import type { TargetSpec } from '../src/target/types.js';
import { kubeconfigArgs } from '../sim/process.js';
import { NotMeasured } from './figures.js';
import { median, round } from './stats.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const WALK_TIMEOUT_MS = 10 * 60_000;

/** Target: 3 s at 48 slots, 6 s at 480 (linear between, flat beyond). */
export const WALK_OVERHEAD_TARGET_MS = (slots: number) => (slots <= 48 ? 3000 : slots >= 480 ? 6000 : 3000 + ((slots - 48) / (480 - 48)) * 3000);

export interface OverheadRun {
  wallMs: number;
  sweepMs: number;
  overheadMs: number;
}

export function liveReadArgs(target: TargetSpec): string[] {
  return [
    '--sov', target.sovereign,
    ...kubeconfigArgs(target),
    ...target.resolve.flatMap((r) => ['--resolve', `${r.host}:${r.port}:${r.address}:${r.targetPort}`]),
    ...(target.caFile ? ['--ca-file', target.caFile] : []),
  ];
}

/** The sweep span of a summary: first gate start to last gate end. */
export function sweepSpanMs(summary: Summary): number {
  const starts = summary.gates.map((g) => Date.parse(g.startedAt));
  const ends = summary.gates.map((g) => Date.parse(g.finishedAt));
  return Math.max(...ends) - Math.min(...starts);
}

function walkOnce(args: string[], signal: AbortSignal): Promise<{ wallMs: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--max-semi-space-size=2', join(REPO_ROOT, 'dist/cli/walk.js'), ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGTERM'), WALK_TIMEOUT_MS);
    const onAbort = () => child.kill('SIGINT');
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve({ wallMs: performance.now() - started, code, stdout, stderr });
    });
  });
}

export async function walkOverhead(o: { target: TargetSpec; kitPath: string; runs: number; signal: AbortSignal; log: (line: string) => void }): Promise<{ wallMs: number; sweepMs: number; overheadMs: number; runs: OverheadRun[] }> {
  const reportDir = await mkdtemp(join(tmpdir(), 'sw-bench-walk-'));
  try {
    const runs: OverheadRun[] = [];
    for (let i = 0; i < o.runs; i++) {
      const r = await walkOnce(['--suite', 'readiness', '--json', '--kit', o.kitPath, '--settle', '0s', '--slot-deadline', '30s', '--report-dir', reportDir, '--history-dir', join(reportDir, 'history'), ...liveReadArgs(o.target)], o.signal);
      if (r.code !== 0) throw new NotMeasured(`walk ${i + 1} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
      const summary = JSON.parse(r.stdout) as Summary;
      const sweepMs = sweepSpanMs(summary);
      runs.push({ wallMs: round(r.wallMs), sweepMs: round(sweepMs), overheadMs: round(r.wallMs - sweepMs) });
      o.log(`walk-overhead: run ${i + 1}/${o.runs} wall ${Math.round(r.wallMs)} ms, sweep ${Math.round(sweepMs)} ms`);
    }
    return { wallMs: median(runs.map((r) => r.wallMs)), sweepMs: median(runs.map((r) => r.sweepMs)), overheadMs: median(runs.map((r) => r.overheadMs)), runs };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}
