/** Gate records are files under `<runDir>/gates/`, so every process of a walk can add to them. */
import { mkdirSync, writeFileSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Gate, Timeline } from './types.js';
import { redactJson } from '../evidence/redact.js';
import { assertGateId } from './id.js';

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
