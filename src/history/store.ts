/**
 * The walk history store: one JSON file per walk under `<dir>/<sovereign>/`, so several
 * Sovereigns share one folder and CI can carry it between runs as a cache. Reading never needs
 * the network; a file that is not JSON, not an entry, or of an unknown format version is
 * reported and skipped, never fatal. Allure's own history lives beside it (`<sovereign>/allure/`).
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { redactJson } from '../evidence/redact.js';
import { slug } from '../report/format.js';
import { ENTRY_FORMAT, ENTRY_VERSION, newestFirst, scopeName, type HistoryEntry, type WalkScope } from './entry.js';
import { ENTRY_SCHEMA } from './entry-schema.js';

/** Newest walks kept per Sovereign and scope (a nightly scope: two months). */
const HISTORY_KEEP = 60;

export const HISTORY_DIR_ENV = 'SW_HISTORY_DIR';

export interface StoreProblem {
  /** Path relative to the store. */
  file: string;
  problem: string;
}

export interface Store {
  /** Newest first. */
  entries: HistoryEntry[];
  problems: StoreProblem[];
}

const validate = new Ajv({ allErrors: false, strict: false }).compile(ENTRY_SCHEMA);

/** `--history-dir`, else SW_HISTORY_DIR, else `history/` under the reports folder. */
export function historyDirOf(given: string | undefined, reportDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(given ?? env[HISTORY_DIR_ENV] ?? join(reportDir, 'history'));
}

export function allureHistoryPath(root: string, sovereign: string, scope: WalkScope): string {
  return join(root, slug(sovereign), 'allure', `${scopeName(scope)}.jsonl`);
}

function parseEntry(text: string): HistoryEntry | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${(e as Error).message.split('\n')[0]}`;
  }
  const head = (raw ?? {}) as { format?: unknown; version?: unknown };
  if (typeof raw !== 'object' || raw === null || head.format !== ENTRY_FORMAT) return `not a ${ENTRY_FORMAT}`;
  if (head.version !== ENTRY_VERSION) return `unknown format version ${JSON.stringify(head.version)} (this tool reads ${ENTRY_VERSION})`;
  if (!validate(raw)) {
    const first = validate.errors?.[0];
    return `${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`;
  }
  return raw as HistoryEntry;
}

function listDir(dir: string, problems: StoreProblem[], root: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code !== 'ENOENT') problems.push({ file: relative(root, dir) || '.', problem: err.message });
    return [];
  }
}

function readFiles(root: string, sovereign?: string): { entries: { entry: HistoryEntry; file: string }[]; problems: StoreProblem[] } {
  const problems: StoreProblem[] = [];
  const dirs = sovereign ? [slug(sovereign)] : listDir(root, problems, root).filter((d) => !d.startsWith('.'));
  const entries: { entry: HistoryEntry; file: string }[] = [];
  for (const d of dirs) {
    for (const name of listDir(join(root, d), problems, root).filter((f) => f.endsWith('.json'))) {
      const file = join(root, d, name);
      let parsed: HistoryEntry | string;
      try {
        parsed = parseEntry(readFileSync(file, 'utf8'));
      } catch (e) {
        parsed = (e as Error).message;
      }
      if (typeof parsed === 'string') problems.push({ file: relative(root, file), problem: parsed });
      else if (sovereign && parsed.sovereign !== sovereign) problems.push({ file: relative(root, file), problem: `an entry of ${parsed.sovereign}, not ${sovereign}` });
      else entries.push({ entry: parsed, file });
    }
  }
  entries.sort((a, b) => newestFirst(a.entry, b.entry));
  return { entries, problems };
}

/** Every readable entry of one Sovereign (or of all), newest first, and what could not be read. */
export function readStore(root: string, sovereign?: string): Store {
  const { entries, problems } = readFiles(root, sovereign);
  return { entries: entries.map((e) => e.entry), problems };
}

/**
 * Adds a walk (replacing the same run of the same scope, so adding twice is harmless), then
 * drops the oldest walks of its scope beyond HISTORY_KEEP. Written through a rename: a reader
 * never sees half an entry.
 */
export function appendEntry(root: string, entry: HistoryEntry): string {
  const dir = join(root, slug(entry.sovereign));
  mkdirSync(dir, { recursive: true });
  const scope = scopeName(entry.scope);
  const file = join(dir, `${slug(entry.runId)}--${slug(scope)}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(redactJson(entry), null, 1)}\n`);
  renameSync(tmp, file);
  const sameScope = readFiles(root, entry.sovereign).entries.filter((e) => scopeName(e.entry.scope) === scope);
  for (const old of sameScope.slice(HISTORY_KEEP)) rmSync(old.file, { force: true });
  return file;
}
