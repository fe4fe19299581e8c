/** `npm run history -- --add`: walks added to the store from the summary.json files a walk wrote. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SCHEMA_VERSION, type Summary } from '../gates/types.js';
import { entryFromSummary } from './entry.js';
import { appendEntry } from './store.js';

/** `path` itself when it is a file, else every summary.json below it. */
function summaryFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true })
    .map(String)
    .filter((f) => basename(f) === 'summary.json')
    .sort()
    .map((f) => join(path, f));
}

function readSummary(file: string): Summary | string {
  let s: Partial<Summary>;
  try {
    s = JSON.parse(readFileSync(file, 'utf8')) as Partial<Summary>;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
  if (s.schemaVersion !== SCHEMA_VERSION) return `not a summary.json of schemaVersion ${SCHEMA_VERSION}`;
  if (typeof s.sovereign !== 'string' || typeof s.runId !== 'string' || !Array.isArray(s.gates) || !Array.isArray(s.suites)) return 'not a walk summary (sovereign, runId, suites, gates)';
  return s as Summary;
}

export function addSummaries(root: string, paths: string[]): { added: string[]; skipped: { file: string; problem: string }[] } {
  const added: string[] = [];
  const skipped: { file: string; problem: string }[] = [];
  for (const file of paths.flatMap(summaryFiles)) {
    const s = readSummary(file);
    if (typeof s === 'string') skipped.push({ file, problem: s });
    else added.push(appendEntry(root, entryFromSummary(s)));
  }
  return { added, skipped };
}
