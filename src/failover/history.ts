/**
 * The failover suite's stable file formats.
 *
 * History (NDJSON, one JSON object per line), written by every writer (Node, k6, k6-sql):
 *   {"key":"w1-42","writer":"w1","seq":42,"sentAt":1714000000000,"ackAt":1714000000012,
 *    "id":123,"error":null,"endpoint":"hz-fsn-rtz-prod"}
 *   {"event":"kill","at":1714000000500}
 *   {"event":"continuum-phase","at":1714000000900,"phase":"SwitchingOver"}
 * Final state (JSON), what the surviving database holds:
 *   {"rows":[{"key":"w1-42","id":123}]}
 * Unknown extra fields are accepted and ignored (events keep theirs).
 */
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';

export interface WriteRecord {
  /** Client-unique key `<writer>-<seq>`; loss is judged by key because sequences re-issue ids. */
  key: string;
  writer: string;
  seq: number;
  /** Epoch ms when the write was sent. */
  sentAt: number;
  /** Epoch ms when the write was acknowledged; null when it errored or timed out (indeterminate). */
  ackAt: number | null;
  /** Server-assigned id from the acknowledgement. */
  id: number | null;
  error: string | null;
  /** Region that served the write, else the URL host or configured label. */
  endpoint: string;
}

export interface HistoryEvent {
  /** `kill`, `promoted`, or any other name; extra fields are preserved. */
  event: string;
  at: number;
  [field: string]: unknown;
}

export type HistoryEntry = WriteRecord | HistoryEvent;

export interface History {
  writes: WriteRecord[];
  events: HistoryEvent[];
}

export interface FinalRow {
  key: string;
  id: number;
}

export interface FinalState {
  rows: FinalRow[];
}

/** A malformed history or final file; the message names the file, the line (if any) and the defect. */
export class HistoryFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly problem: string,
  ) {
    super(`${line === null ? file : `${file}:${line}`}: ${problem}`);
    this.name = 'HistoryFormatError';
  }
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEpochMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Returns the problem with a write record, or null when it is well-formed. */
function writeRecordProblem(o: JsonObject): string | null {
  if (typeof o.key !== 'string' || o.key === '') return '"key" must be a non-empty string';
  if (typeof o.writer !== 'string' || o.writer === '') return '"writer" must be a non-empty string';
  if (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 0) return '"seq" must be a non-negative integer';
  if (!isEpochMs(o.sentAt)) return '"sentAt" must be epoch milliseconds';
  if (o.ackAt !== null && !isEpochMs(o.ackAt)) return '"ackAt" must be epoch milliseconds or null';
  if (o.id !== null && !isId(o.id)) return '"id" must be an integer or null';
  if (o.error !== null && typeof o.error !== 'string') return '"error" must be a string or null';
  if (typeof o.endpoint !== 'string') return '"endpoint" must be a string';
  if (o.ackAt !== null && o.error !== null) return 'a write cannot have both "ackAt" and "error"';
  return null;
}

function toWriteRecord(o: JsonObject): WriteRecord {
  return {
    key: o.key as string,
    writer: o.writer as string,
    seq: o.seq as number,
    sentAt: o.sentAt as number,
    ackAt: o.ackAt as number | null,
    id: o.id as number | null,
    error: o.error as string | null,
    endpoint: o.endpoint as string,
  };
}

/**
 * Parses one history line (an object already decoded from JSON). Throws a plain Error naming
 * the defect; callers add the file and line.
 */
export function parseHistoryEntry(value: unknown): HistoryEntry {
  if (!isObject(value)) throw new Error('expected a JSON object');
  if ('event' in value) {
    if (typeof value.event !== 'string' || value.event === '') throw new Error('"event" must be a non-empty string');
    if (!isEpochMs(value.at)) throw new Error('"at" must be epoch milliseconds');
    return { ...value, event: value.event, at: value.at };
  }
  const problem = writeRecordProblem(value);
  if (problem !== null) throw new Error(problem);
  return toWriteRecord(value);
}

export function isHistoryEvent(entry: HistoryEntry): entry is HistoryEvent {
  return 'event' in entry;
}

export function parseHistory(text: string, file: string): History {
  const writes: WriteRecord[] = [];
  const events: HistoryEvent[] = [];
  const keyLines = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new HistoryFormatError(file, lineNo, `invalid JSON (${(err as Error).message})`);
    }
    let entry: HistoryEntry;
    try {
      entry = parseHistoryEntry(value);
    } catch (err) {
      throw new HistoryFormatError(file, lineNo, (err as Error).message);
    }
    if (isHistoryEvent(entry)) {
      events.push(entry);
      continue;
    }
    const previous = keyLines.get(entry.key);
    if (previous !== undefined) {
      throw new HistoryFormatError(file, lineNo, `key "${entry.key}" already recorded on line ${previous}`);
    }
    keyLines.set(entry.key, lineNo);
    writes.push(entry);
  }
  return { writes, events };
}

export function parseFinal(text: string, file: string): FinalState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HistoryFormatError(file, null, `invalid JSON (${(err as Error).message})`);
  }
  if (!isObject(value) || !Array.isArray(value.rows)) {
    throw new HistoryFormatError(file, null, 'expected an object with a "rows" array');
  }
  const rows: FinalRow[] = [];
  value.rows.forEach((row: unknown, index: number) => {
    if (!isObject(row) || typeof row.key !== 'string' || row.key === '' || !isId(row.id)) {
      throw new HistoryFormatError(file, null, `rows[${index}] must be {"key": <non-empty string>, "id": <integer>}`);
    }
    rows.push({ key: row.key, id: row.id });
  });
  return { rows };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new HistoryFormatError(path, null, `cannot read (${code})`);
  }
}

export async function readHistoryFile(path: string): Promise<History> {
  return parseHistory(await readText(path), path);
}

export async function readFinalFile(path: string): Promise<FinalState> {
  return parseFinal(await readText(path), path);
}

export async function writeFinalFile(path: string, final: FinalState): Promise<void> {
  await writeFile(path, `${JSON.stringify({ rows: final.rows.map(({ key, id }) => ({ key, id })) })}\n`);
}

export function formatHistoryLine(entry: HistoryEntry): string {
  if (isHistoryEvent(entry)) return `${JSON.stringify(entry)}\n`;
  const { key, writer, seq, sentAt, ackAt, id, error, endpoint } = entry;
  return `${JSON.stringify({ key, writer, seq, sentAt, ackAt, id, error, endpoint })}\n`;
}

export interface HistoryFileWriter {
  append(entry: HistoryEntry): void;
  close(): Promise<void>;
}

/** Appends history lines to `path` (created or truncated) as they happen, so a crash keeps what was seen. */
export function openHistoryFile(path: string): HistoryFileWriter {
  const stream = createWriteStream(path, { flags: 'w' });
  let failure: Error | null = null;
  stream.on('error', (err) => {
    failure ??= err;
  });
  return {
    append(entry) {
      if (failure === null) stream.write(formatHistoryLine(entry));
    },
    async close() {
      stream.end();
      try {
        await finished(stream);
      } catch (err) {
        failure ??= err as Error;
      }
      if (failure !== null) throw new HistoryFormatError(path, null, `cannot write (${failure.message})`);
    },
  };
}
