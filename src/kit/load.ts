/** Loads and validates a kit file; any problem is a SetupError naming the file and the slot. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { SetupError } from '../target/errors.js';
import type { Kit } from './types.js';
import { KIT_SCHEMA } from './schema.js';

const validate = new Ajv({ allErrors: false, strict: false }).compile(KIT_SCHEMA);

export function loadKit(path: string): Kit {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new SetupError(`--kit ${path}: ${err.code === 'ENOENT' ? 'file not found' : err.message.split('\n')[0]}`);
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
  return kit;
}
