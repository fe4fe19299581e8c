/**
 * The fault ledger: `<state dir>/ledger/<sovereign>.jsonl`, append-only JSON lines. An intent
 * line is written and fsynced before a fault is applied; later lines mark it applied, reverted
 * or revert-failed. Appends are single O_APPEND writes, so processes (the walk, its reaper, a
 * second walk's janitor) can share the file without locks, and a last line torn by a crash is skipped on read.
 * Every other line must be a record the harness writes (ledger-schema.ts): a ledger holding
 * anything else, or one that cannot be read, is refused whole (LedgerError) and nothing in it runs.
 */
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT } from '../repo-root.js';
import type { FaultRecord } from '../gates/types.js';
import type { LedgerEntry, LedgerLine } from './types.js';
import { ledgerLineProblem } from './ledger-schema.js';

export const STATE_DIR_ENV = 'SW_STATE_DIR';
const REPO_STATE_DIR = join(REPO_ROOT, '.state');

/** `$SW_STATE_DIR` or the repository's `.state/`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[STATE_DIR_ENV] ? resolve(env[STATE_DIR_ENV]) : REPO_STATE_DIR;
}

/** A ledger that cannot be read or holds a line the harness did not write: refused, never run. */
export class LedgerError extends Error {
  override name = 'LedgerError';
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

  /** Every fault the ledger knows, folded from its lines, oldest first; throws LedgerError for a tampered or unreadable ledger. */
  entries(): LedgerEntry[] {
    const byId = new Map<string, LedgerEntry>();
    for (const line of this.lines()) {
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

  private lines(): LedgerLine[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new LedgerError(`fault ledger ${this.path} is unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): refused, nothing in it was reverted`);
    }
    const raw = text.split('\n');
    const out: LedgerLine[] = [];
    for (const [i, s] of raw.entries()) {
      if (!s.trim()) continue;
      const refuse = (why: string) => new LedgerError(`fault ledger ${this.path} line ${i + 1} ${why}: refused, nothing in it was reverted; inspect it and move it aside`);
      let value: unknown;
      try {
        value = JSON.parse(s);
      } catch {
        // Only the last line, unterminated, can be a write cut short by a crash.
        if (i === raw.length - 1) continue;
        throw refuse('is not JSON');
      }
      const problem = ledgerLineProblem(value);
      if (problem) throw refuse(`is not a record the harness writes (${problem})`);
      const line = value as LedgerLine;
      if (line.op === 'intent' && line.entry.sovereign !== this.sovereign) throw refuse(`records a fault of ${line.entry.sovereign}, not ${this.sovereign}`);
      out.push(line);
    }
    return out;
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

/** The summary.json view of a ledger entry. */
export function toFaultRecord(e: LedgerEntry): FaultRecord {
  const detail = e.state === 'revert-failed' ? `revert failed: ${e.revertError ?? 'unknown error'}` : e.detail;
  return { id: e.id, kind: e.kind, target: e.target, appliedAt: e.appliedAt, revertedAt: e.revertedAt, runId: e.runId, detail };
}
