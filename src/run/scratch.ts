/**
 * Scratch folders of the walk's process (the browser's trust store, its raw HAR files, which are
 * not redacted): removed when their owner is done, else when the process exits (a stop signal, a
 * crash). Their names carry the pid, so a later walk removes what a killed one (kill -9) left.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const live = new Set<string>();
const reaped = new Set<string>();

process.on('exit', () => {
  for (const d of live) rmSync(d, { recursive: true, force: true });
});

/** `<prefix>-<pid>-*` folders in the temp dir whose process is gone. */
function reapLeftovers(prefix: string): void {
  if (reaped.has(prefix)) return;
  reaped.add(prefix);
  const own = new RegExp(`^${prefix}-(\\d+)-`);
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(own.exec(name)?.[1]);
    if (pid && pid !== process.pid && !pidAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

export interface ScratchDir {
  path: string;
  remove(): void;
}

/** `prefix`: `sw-…` letters and dashes, unique to the owner. */
export function scratchDir(prefix: string): ScratchDir {
  reapLeftovers(prefix);
  const path = mkdtempSync(join(tmpdir(), `${prefix}-${process.pid}-`));
  live.add(path);
  return {
    path,
    remove() {
      live.delete(path);
      rmSync(path, { recursive: true, force: true });
    },
  };
}
