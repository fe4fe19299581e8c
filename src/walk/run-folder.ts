/**
 * A run's folder, `<report dir>/<target>/<run id>/`, made and written to (a probe file) before the
 * walk starts anything, so a bad `--report-dir` is a set-up error in milliseconds. Folders are
 * made one level at a time: Node 20's recursive mkdir spins forever on some paths under /proc.
 */
import { mkdirSync, realpathSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SetupError } from '../target/errors.js';

export interface RunFolder {
  runId: string;
  /** Absolute. */
  runDir: string;
  /** Folders this made, outermost first (the run folder last). */
  created: string[];
}

/** Kernel pseudo filesystems: writing reports there is always a mistake, sometimes a harmful one. */
const PSEUDO_FS = ['/proc', '/sys', '/dev'];

const why = (e: unknown) => {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code} (${err.message.replace(/^[A-Z]+: /, '').split(',')[0]})` : err.message;
};

/** Whether `path` exists; a missing component (ENOENT) or a file in the way (ENOTDIR) is `false`. */
function exists(path: string, flag: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw new SetupError(`${flag}: cannot look at ${path}: ${why(e)}`);
  }
}

export function prepareRunFolder(reportDir: string, targetName: string, now = new Date()): RunFolder {
  const flag = `--report-dir ${reportDir}`;
  const runId = now.toISOString().replace(/[:.]/g, '-');
  const runDir = resolve(reportDir, targetName, runId);
  const missing: string[] = [];
  let existing = runDir;
  while (!exists(existing, flag)) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  const real = realpathSync(existing);
  const pseudo = PSEUDO_FS.find((p) => real === p || real.startsWith(`${p}/`));
  if (pseudo) throw new SetupError(`${flag}: ${real} is on the kernel's ${pseudo} pseudo filesystem; choose a folder on disk`);
  if (!statSync(real).isDirectory()) throw new SetupError(`${flag}: ${existing} is not a folder`);
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw new SetupError(`${flag}: cannot create ${dir}: ${why(e)}`);
    }
  }
  const probe = join(runDir, '.write-probe');
  try {
    writeFileSync(probe, 'sovereign-walk\n');
    unlinkSync(probe);
  } catch (e) {
    throw new SetupError(`${flag}: cannot write in ${runDir}: ${why(e)}`);
  }
  return { runId, runDir, created: missing };
}

/** Removes the folders `prepareRunFolder` made while the walk left nothing in them (it stopped before it started). */
export function discardIfEmpty(run: RunFolder): void {
  for (const dir of [...run.created].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (something was written, or another run shares it): it stays
    }
  }
}
