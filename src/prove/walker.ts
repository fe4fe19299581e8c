/**
 * One walk of the proof: the compiled walk CLI, exactly as `npm run walk` runs it, with its
 * summary on stdout and its progress passed on line by line. Its reports and walk history stay
 * inside the proof's folder, so fault walks never enter a Sovereign's real history.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Summary } from '../gates/types.js';
import { REPO_ROOT } from '../repo-root.js';

export interface WalkRun {
  exitCode: number | null;
  summary?: Summary;
  /** Absolute run folder of the walk. */
  runDir?: string;
  error?: string;
}

export interface WalkRequest {
  args: string[];
  reportDir: string;
  /** Each line the walk writes on stderr. */
  onLine: (line: string) => void;
  /** Called with the child once it runs, so a stop signal can be passed on to it. */
  onStart?: (child: ChildProcess) => void;
}

export type Walker = (r: WalkRequest) => Promise<WalkRun>;

export const WALK_CLI = join(REPO_ROOT, 'dist/cli/walk.js');

export const spawnWalk: Walker = (r) =>
  new Promise((resolve) => {
    const argv = ['--max-semi-space-size=2', WALK_CLI, '--report-dir', r.reportDir, '--history-dir', join(r.reportDir, 'history'), '--json', ...r.args];
    // Its own process group: a Ctrl+C reaches prove alone, which passes it on once (a walk takes a
    // second one as "exit at once").
    const child = spawn(process.execPath, argv, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    r.onStart?.(child);
    let stdout = '';
    let pending = '';
    let last = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      const lines = (pending + d).split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) r.onLine((last = l));
    });
    child.on('error', (e) => resolve({ exitCode: null, error: e.message }));
    child.on('close', (code) => {
      if (pending.trim()) r.onLine((last = pending));
      let summary: Summary | undefined;
      try {
        summary = stdout.trim() ? (JSON.parse(stdout) as Summary) : undefined;
      } catch {
        /* no summary: reported below with the walk's last line */
      }
      if (!summary) return resolve({ exitCode: code, error: `exit ${code}${last ? `: ${last.trim()}` : ''}` });
      resolve({ exitCode: code, summary, runDir: join(r.reportDir, summary.target, summary.runId) });
    });
  });
