/**
 * Revert on interrupt: installed by the first applyFault in a process. SIGINT, SIGTERM and
 * SIGHUP revert every active fault, then exit 128+signal. If the process exits any other way
 * with faults still active (a forked child torn down mid-judge, an uncaught error, the
 * parent gone), the exit hook starts a detached reaper that reverts them from the ledger. Only
 * SIGKILL escapes both; the next run's janitor and the in-cluster backstop cover that.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUN_CONTEXT_ENV } from '../run/context.js';
import { REPO_ROOT } from '../repo-root.js';
import { activeFaults, revertActiveFaults } from './active.js';

const SELF = fileURLToPath(import.meta.url);
/** The reaper next to this file: compiled JavaScript runs as is, TypeScript through tsx. */
const REAPER = [...(extname(SELF) === '.ts' ? ['--import', 'tsx'] : []), join(dirname(SELF), `reaper${extname(SELF)}`)];
const REVERT_BUDGET_MS = 90_000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let installed = false;
let reverting = false;
let exitAfterRevert = true;

/**
 * For a process that handles stop signals itself (the walk, which judges suites in-process and
 * still writes its reports after a Ctrl+C): a signal reverts the active faults but does not exit;
 * the caller waits for the revert with revertActiveFaults(). A second signal still exits at once.
 */
export function deferExitOnSignal(): void {
  exitAfterRevert = false;
}

export function installChaosSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const sig of SIGNALS) process.on(sig, () => void onSignal(sig));
  process.on('exit', spawnReaper);
}

async function onSignal(sig: (typeof SIGNALS)[number]): Promise<void> {
  const code = 128 + (constants.signals[sig] ?? 0);
  if (!activeFaults().length) {
    // Keep the default behaviour when nobody else handles the signal.
    if (process.listenerCount(sig) === 1) process.exit(code);
    return;
  }
  if (reverting) process.exit(code); // a second signal: stop waiting, the exit hook takes over
  reverting = true;
  process.stderr.write(`sovereign-walk: ${sig}: reverting ${activeFaults().length} active fault(s)${exitAfterRevert ? ' before exit' : ''}\n`);
  const timer = setTimeout(() => process.exit(code), REVERT_BUDGET_MS);
  const { failed } = await revertActiveFaults();
  clearTimeout(timer);
  for (const f of failed) process.stderr.write(`sovereign-walk: revert of ${f.id} failed: ${f.error}\n`);
  if (exitAfterRevert) process.exit(code);
  reverting = false;
}

/** Synchronous by necessity ('exit' handlers cannot await): hand the remaining faults to a detached process. */
function spawnReaper(): void {
  const left = activeFaults();
  const contextPath = process.env[RUN_CONTEXT_ENV];
  if (!left.length || !contextPath) return;
  const ledgerPath = left[0].ledger.path;
  const args = [...REAPER, '--context', contextPath, '--ledger', ledgerPath, ...left.flatMap((f) => ['--id', f.id])];
  try {
    spawn(process.execPath, args, { cwd: REPO_ROOT, detached: true, stdio: 'ignore', env: process.env }).unref();
  } catch {
    // Nothing more can be done from an exiting process; the ledger still holds the faults.
  }
}
