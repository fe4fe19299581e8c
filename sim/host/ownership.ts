/**
 * What an embedded Sovereign owns on this machine: its scratch directories (which hold its PKI keys
 * and kubeconfigs), its processes and its network links. Each running instance keeps a ledger under
 * the per-user cache, written before the thing it records is created, and marks every child process
 * with SW_SIM_OWNER=<instance> in its environment (inherited by grandchildren such as PostgreSQL's
 * backends). After a `kill -9` nothing of the instance stops itself: the next instance (or `npm run
 * clean`) reaps every ledger whose owner process is gone.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../controlplane/assets.js';

export const OWNER_ENV = 'SW_SIM_OWNER';

interface Ledger {
  id: string;
  owner: { pid: number; start: string };
  dirs: string[];
  links: string[];
  /** Local routes (`ip route add local <cidr>`), removed with their link or by themselves. */
  routes: string[];
  processes: { pid: number; start: string; command: string }[];
}

export interface ReapReport {
  instances: number;
  processes: number;
  dirs: number;
  links: number;
}

function ledgerDir(): string {
  return join(cacheRoot(), 'owned');
}

/** The kernel's start time of a process (field 22 of /proc/<pid>/stat), or undefined if it is gone. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(pid: number, start: string): boolean {
  return processStart(pid) === start;
}

export class Ownership {
  private readonly path: string;
  private readonly ledger: Ledger;

  private constructor(ledger: Ledger) {
    this.ledger = ledger;
    this.path = join(ledgerDir(), `${ledger.id}.json`);
    this.save();
  }

  /** A new ledger for this process; reaps what earlier, dead instances left behind first. */
  static open(): Ownership {
    reapOrphans();
    mkdirSync(ledgerDir(), { recursive: true, mode: 0o700 });
    const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
    return new Ownership({ id, owner: { pid: process.pid, start: processStart(process.pid) ?? '' }, dirs: [], links: [], routes: [], processes: [] });
  }

  get id(): string {
    return this.ledger.id;
  }

  /** Environment marking a child as this instance's. */
  env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return { ...base, [OWNER_ENV]: this.ledger.id };
  }

  dir(path: string): string {
    this.ledger.dirs.push(path);
    this.save();
    return path;
  }

  link(name: string): string {
    this.ledger.links.push(name);
    this.save();
    return name;
  }

  route(cidr: string): string {
    this.ledger.routes.push(cidr);
    this.save();
    return cidr;
  }

  process(pid: number, command: string): void {
    this.ledger.processes.push({ pid, start: processStart(pid) ?? '', command });
    this.save();
  }

  /** Releases everything the ledger holds (what stop() left: processes, routes, links, dirs), then the ledger. */
  close(): ReapReport {
    const report = release(this.ledger);
    rmSync(this.path, { force: true });
    return report;
  }

  private save(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.ledger), { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}

/** Processes carrying SW_SIM_OWNER=<id> in their environment. */
function markedProcesses(id: string): number[] {
  const marker = `${OWNER_ENV}=${id}\0`;
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (`${readFileSync(`/proc/${entry}/environ`, 'latin1')}\0`.includes(marker)) out.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}

function ip(args: string[]): void {
  try {
    execFileSync('ip', args, { stdio: 'ignore' });
  } catch {
    // Already gone.
  }
}

/** Reaps every instance whose owner process is gone; returns what it removed. */
export function reapOrphans(): ReapReport {
  const report: ReapReport = { instances: 0, processes: 0, dirs: 0, links: 0 };
  let files: string[];
  try {
    files = readdirSync(ledgerDir()).filter((f) => f.endsWith('.json'));
  } catch {
    return report;
  }
  for (const file of files) {
    const path = join(ledgerDir(), file);
    let ledger: Ledger;
    try {
      ledger = JSON.parse(readFileSync(path, 'utf8')) as Ledger;
    } catch {
      rmSync(path, { force: true });
      continue;
    }
    if (alive(ledger.owner.pid, ledger.owner.start)) continue;
    const released = release(ledger);
    report.instances += 1;
    report.processes += released.processes;
    report.dirs += released.dirs;
    report.links += released.links;
    rmSync(path, { force: true });
  }
  return report;
}

function release(ledger: Ledger): ReapReport {
  const report: ReapReport = { instances: 1, processes: 0, dirs: 0, links: 0 };
  const pids = new Set([...ledger.processes.filter((p) => alive(p.pid, p.start)).map((p) => p.pid), ...markedProcesses(ledger.id)]);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
      report.processes += 1;
    } catch {
      // Exited meanwhile.
    }
  }
  for (const link of ledger.links) {
    ip(link.startsWith('netns:') ? ['netns', 'delete', link.slice('netns:'.length)] : ['link', 'delete', link]);
    report.links += 1;
  }
  for (const cidr of ledger.routes) ip(['route', 'del', 'local', cidr, 'dev', 'lo']);
  for (const dir of ledger.dirs) {
    rmSync(dir, { recursive: true, force: true });
    report.dirs += 1;
  }
  return report;
}
