/**
 * Gate records, timelines and API request counts are files in the run folder (`gates/`,
 * `timelines/`, `api-requests/`), so every process of a walk can add to them.
 */
import { mkdirSync, writeFileSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Gate, RegionApiRequests, Timeline } from './types.js';
import { redactJson } from '../evidence/redact.js';
import { assertGateId } from './id.js';
import { sumApiRequests } from '../target/api-requests.js';

const slug = (id: string) => id.replace(/[^A-Za-z0-9._-]+/g, '_');

export function writeGate(runDir: string, gate: Gate): void {
  assertGateId(gate.id);
  const dir = join(runDir, 'gates', gate.suite);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${slug(gate.id)}.json`), JSON.stringify(redactJson(gate), null, 2));
}

export function readGates(runDir: string): Gate[] {
  const root = join(runDir, 'gates');
  if (!existsSync(root)) return [];
  const out: Gate[] = [];
  for (const suite of readdirSync(root)) {
    for (const f of readdirSync(join(root, suite))) {
      if (f.endsWith('.json')) out.push(JSON.parse(readFileSync(join(root, suite, f), 'utf8')) as Gate);
    }
  }
  return out;
}

export function writeTimeline(runDir: string, timeline: Timeline): void {
  const dir = join(runDir, 'timelines');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${slug(timeline.id)}.json`), JSON.stringify(redactJson(timeline), null, 2));
}

export function readTimelines(runDir: string): Timeline[] {
  const dir = join(runDir, 'timelines');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Timeline);
}

/** One file per process, rewritten with its running totals: a pid alone could be reused within a walk. */
const API_REQUESTS_FILE = `${process.pid}-${randomBytes(4).toString('hex')}.json`;

interface ProcessApiRequests {
  pid: number;
  /** False while the process may still send requests it has not written yet (a Harness is open). */
  final: boolean;
  regions: RegionApiRequests[];
}

export function writeApiRequests(runDir: string, regions: RegionApiRequests[], final: boolean): void {
  const dir = join(runDir, 'api-requests');
  mkdirSync(dir, { recursive: true });
  const file: ProcessApiRequests = { pid: process.pid, final, regions };
  writeFileSync(join(dir, API_REQUESTS_FILE), JSON.stringify(file, null, 2));
}

/**
 * Every process's counts summed, `regions` listed even where nothing was sent; undefined when no
 * process wrote any. `partial`: processes whose last write was not final (they died first).
 */
export function readApiRequests(runDir: string, regions: readonly string[]): { regions: RegionApiRequests[]; partial: number } | undefined {
  const dir = join(runDir, 'api-requests');
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ProcessApiRequests);
  if (!files.length) return undefined;
  return { regions: sumApiRequests(files.map((f) => f.regions), regions), partial: files.filter((f) => !f.final).length };
}
