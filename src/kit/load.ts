/** Loads and validates a kit file; any problem is a SetupError naming the file and the slot. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { SetupError } from '../target/errors.js';
import type { Kit } from './types.js';
import { KIT_SCHEMA } from './schema.js';
import { dependencyOrder } from './graph.js';

/**
 * The most slots a kit may list. The platform's kit has 48. Every slot is a readiness probe, one
 * DoD L3 check per region and a row in every report; `npm run bench -- --only scaling` walks
 * generated kits of 480 and 2,400 slots to a verdict. Kits beyond this size were never walked, so
 * they are refused before anything starts.
 */
export const MAX_KIT_SLOTS = 5000;

const validate = new Ajv({ allErrors: false, strict: false }).compile(KIT_SCHEMA);

/** The parser's message whole, on one line (V8 quotes the file's text, line breaks included). */
const oneLine = (text: string) => text.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');

export function loadKit(path: string): Kit {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new SetupError(`--kit ${path}: ${err.code === 'ENOENT' ? 'file not found' : `${err instanceof SyntaxError ? 'not JSON: ' : ''}${oneLine(err.message)}`}`);
  }
  const slots = (raw as { slots?: unknown } | null)?.slots;
  if (Array.isArray(slots) && slots.length > MAX_KIT_SLOTS) {
    throw new SetupError(`--kit ${path} lists ${slots.length} slots; the walk takes at most ${MAX_KIT_SLOTS} (the platform's kit has 48; each slot is a readiness probe, a DoD check per region and a report row; the scaling bench walks 2,400, and larger kits were never walked to a verdict)`);
  }
  if (!validate(raw)) {
    const first = validate.errors?.[0];
    throw new SetupError(`--kit ${path}: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`);
  }
  const kit = raw as Kit;
  const names = new Set<string>();
  for (const s of kit.slots) {
    if (names.has(s.name)) throw new SetupError(`--kit ${path}: slot name ${s.name} appears twice`);
    names.add(s.name);
  }
  try {
    dependencyOrder(kit.slots);
  } catch (e) {
    throw new SetupError(`--kit ${path}: ${(e as Error).message}`);
  }
  return kit;
}
