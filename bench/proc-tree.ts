/** Memory of a process and all its descendants, read from /proc (Linux). */
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcMemory {
  pid: number;
  /** Command line, arguments joined by spaces. */
  cmdline: string;
  rssBytes: number;
  /** Proportional set size: shared pages split between the processes sharing them. */
  pssBytes: number;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // the process (or thread) exited between listing and reading
  }
}

/** Direct children of `pid`, over all its threads (a child belongs to the thread that forked it). */
export function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((t) => readOrEmpty(`/proc/${pid}/task/${t}/children`).split(/\s+/).filter(Boolean).map(Number));
}

/** `root` and every descendant still alive, root first. */
export function processTree(root: number): number[] {
  const out: number[] = [];
  const queue = [root];
  const seen = new Set<number>();
  while (queue.length) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(pid);
    queue.push(...childrenOf(pid));
  }
  return out;
}

/** A `<Field>: <n> kB` line of /proc/<pid>/status or smaps_rollup, in bytes. */
export function kbField(text: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s*(\\d+)\\s*kB$`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** undefined for a zombie (no VmRSS) or a process that is gone. */
export function readProcMemory(pid: number): ProcMemory | undefined {
  const rss = kbField(readOrEmpty(`/proc/${pid}/status`), 'VmRSS');
  if (rss === undefined) return undefined;
  const pss = kbField(readOrEmpty(`/proc/${pid}/smaps_rollup`), 'Pss') ?? rss;
  const cmdline = readOrEmpty(`/proc/${pid}/cmdline`).split('\0').filter(Boolean).join(' ');
  return { pid, cmdline, rssBytes: rss, pssBytes: pss };
}

export function sampleTree(root: number): ProcMemory[] {
  return processTree(root).flatMap((pid) => readProcMemory(pid) ?? []);
}
