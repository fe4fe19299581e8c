/**
 * The fault ledger: `<state dir>/ledger/<sovereign>.jsonl`, append-only JSON lines. An intent
 * line is written and fsynced before a fault is applied; later lines mark it applied, reverted
 * or revert-failed. Appends are single O_APPEND writes, so the walk process and its Playwright
 * workers can share the file without locks, and a line torn by a crash is skipped on read.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT } from '../repo-root.js';
import type { FaultRecord } from '../gates/types.js';
import type { LedgerEntry, LedgerLine } from './types.js';

export const STATE_DIR_ENV = 'SW_STATE_DIR';
const REPO_STATE_DIR = join(REPO_ROOT, '.state');

/** `$SW_STATE_DIR` or the repository's `.state/`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[STATE_DIR_ENV] ? resolve(env[STATE_DIR_ENV]) : REPO_STATE_DIR;
}

export class FaultLedger {
  constructor(
    readonly sovereign: string,
    readonly path: string,
  ) {}

  static forSovereign(sovereign: string, dir = stateDir()): FaultLedger {
    const file = sovereign.toLowerCase().replace(/[^a-z0-9.-]+/g, '_');
    return new FaultLedger(sovereign, join(dir, 'ledger', `${file}.jsonl`));
  }

  /** Durable before it returns: the fault may be applied right after. */
  intent(entry: LedgerEntry): void {
    this.append({ op: 'intent', at: entry.intentAt, entry }, true);
  }

  applied(id: string, at = new Date().toISOString()): void {
    this.append({ op: 'applied', at, id }, false);
  }

  reverted(id: string, detail?: string, at = new Date().toISOString()): void {
    this.append({ op: 'reverted', at, id, detail }, true);
  }

  revertFailed(id: string, error: string, at = new Date().toISOString()): void {
    this.append({ op: 'revert-failed', at, id, error }, true);
  }

  /** Every fault the ledger knows, folded from its lines, oldest first. */
  entries(): LedgerEntry[] {
    if (!existsSync(this.path)) return [];
    const byId = new Map<string, LedgerEntry>();
    for (const raw of readFileSync(this.path, 'utf8').split('\n')) {
      const line = parseLine(raw);
      if (!line) continue;
      if (line.op === 'intent') {
        byId.set(line.entry.id, { ...line.entry, state: 'intent' });
        continue;
      }
      const e = byId.get(line.id);
      if (!e) continue;
      if (line.op === 'applied') {
        e.appliedAt = line.at;
        if (e.state === 'intent') e.state = 'applied';
      } else if (line.op === 'reverted') {
        e.state = 'reverted';
        e.revertedAt = line.at;
        e.revertError = undefined;
        if (line.detail) e.detail = line.detail;
      } else if (e.state !== 'reverted') {
        e.state = 'revert-failed';
        e.revertError = line.error;
      }
    }
    return [...byId.values()];
  }

  /** Faults not (successfully) reverted yet. */
  open(): LedgerEntry[] {
    return this.entries().filter((e) => e.state !== 'reverted');
  }

  private append(line: LedgerLine, sync: boolean): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const text = `${JSON.stringify(line)}\n`;
    if (!sync) {
      appendFileSync(this.path, text);
      return;
    }
    const fd = openSync(this.path, 'a');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

function parseLine(raw: string): LedgerLine | undefined {
  if (!raw.trim()) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<LedgerLine> | null;
    if (!v || typeof v !== 'object' || typeof v.op !== 'string') return undefined;
    if (v.op === 'intent') return typeof (v as { entry?: { id?: unknown } }).entry?.id === 'string' ? (v as LedgerLine) : undefined;
    return typeof (v as { id?: unknown }).id === 'string' ? (v as LedgerLine) : undefined;
  } catch {
    return undefined;
  }
}

/** The summary.json view of a ledger entry. */
export function toFaultRecord(e: LedgerEntry): FaultRecord {
  const detail = e.state === 'revert-failed' ? `revert failed: ${e.revertError ?? 'unknown error'}` : e.detail;
  return { id: e.id, kind: e.kind, target: e.target, appliedAt: e.appliedAt, revertedAt: e.revertedAt, runId: e.runId, detail };
}
