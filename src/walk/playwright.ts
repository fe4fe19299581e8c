/** Runs one suite as a Playwright project in a child process, forwarding stop signals to it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RUN_CONTEXT_ENV } from '../run/context.js';

const require = createRequire(import.meta.url);
const PLAYWRIGHT_CLI = join(dirname(require.resolve('@playwright/test/package.json')), 'cli.js');

export interface SuiteProcess {
  child: ChildProcess;
  exited: Promise<number>;
}

/**
 * V8's default 16 MB semi-spaces make every Playwright process hold ~30 MB of young generation
 * it rarely needs: the suites allocate little and hold long. Appended, so a user's own
 * NODE_OPTIONS still apply.
 */
const SUITE_NODE_OPTIONS = '--max-semi-space-size=2';

export function runSuiteProcess(opts: { suite: string; contextPath: string; runDir: string; timeoutMs: number; shard?: string; progressToStderr: boolean; repoRoot: string }): SuiteProcess {
  const args = [PLAYWRIGHT_CLI, 'test', '--config', join(opts.repoRoot, 'playwright.config.ts'), '--project', opts.suite];
  if (opts.shard) args.push('--shard', opts.shard);
  const child = spawn(process.execPath, args, {
    cwd: opts.repoRoot,
    env: { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, SUITE_NODE_OPTIONS].filter(Boolean).join(' '), [RUN_CONTEXT_ENV]: opts.contextPath, SW_RUN_DIR: opts.runDir, SW_TEST_TIMEOUT_MS: String(opts.timeoutMs), SW_WALK_PID: String(process.pid), PW_TEST_HTML_REPORT_OPEN: 'never' },
    stdio: ['ignore', opts.progressToStderr ? 2 : 'inherit', 'inherit'],
  });
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.on('error', () => resolve(127));
  });
  return { child, exited };
}
