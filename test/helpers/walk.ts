/** Runs the walk CLI as a user would and returns its exit code, output and summary.json. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from '../../src/gates/types.js';
import { ROOT, WALK_CLI } from './cli.js';
import { tempDir } from './temp.js';

export interface WalkResult {
  code: number;
  stdout: string;
  stderr: string;
  summary?: Summary;
  reportDir: string;
}

export function walk(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; reportDir?: string } = {}): Promise<WalkResult> {
  const reportDir = opts.reportDir ?? tempDir('sw-walk-');
  const withJson = args.includes('--json');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WALK_CLI, '--report-dir', reportDir, ...args], { cwd: ROOT, env: { ...process.env, CI: '1', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`walk ${args.join(' ')} timed out\n${stderr.slice(-2000)}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      let summary: Summary | undefined;
      if (withJson && stdout.trim()) {
        try {
          summary = JSON.parse(stdout) as Summary;
        } catch {
          /* left undefined: the caller's assertion names what came out */
        }
      }
      resolve({ code: code ?? -1, stdout, stderr, summary, reportDir });
    });
  });
}

export const byStatus = (s: Summary, status: string) => s.gates.filter((g) => g.status === status).map((g) => g.id).sort();

export function runDirOf(s: Summary, reportDir: string): string {
  return join(reportDir, s.target, s.runId);
}

export const readText = (p: string) => readFileSync(p, 'utf8');
