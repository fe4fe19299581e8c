/**
 * Generated secrets of the kind target (database passwords): the plan names them with a
 * placeholder (`<generated:id>`) so it stays deterministic and printable; kind:up fills them in
 * from `<stateDir>/secrets.json` (created with mode 0600 on first use, reused afterwards so both
 * regions and later runs get the same value). Values never reach the dry-run or a log.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { registerSecret } from '../evidence/redact.js';
import type { Manifest } from './steps.js';

const PLACEHOLDER = /^<generated:([a-z0-9-]+)>$/;

export function generatedValue(id: string): string {
  return `<generated:${id}>`;
}

export function generatedStorePath(stateDir: string): string {
  return join(stateDir, 'secrets.json');
}

function readStore(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${path} is not a JSON object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') throw new Error(`${path}: value of ${k} is not a string`);
    out[k] = v;
  }
  return out;
}

/** Reads one generated value if kind:up has created it. */
export function readGenerated(stateDir: string, id: string): string | undefined {
  return readStore(generatedStorePath(stateDir))[id];
}

/** A copy of `manifest` whose Secret `stringData` placeholders hold their generated values. */
export function fillGenerated(manifest: Manifest, stateDir: string): Manifest {
  if (manifest.kind !== 'Secret' || typeof manifest.stringData !== 'object' || manifest.stringData === null) return manifest;
  const entries = Object.entries(manifest.stringData as Record<string, unknown>);
  if (!entries.some(([, v]) => typeof v === 'string' && PLACEHOLDER.test(v))) return manifest;
  const path = generatedStorePath(stateDir);
  const store = readStore(path);
  let created = false;
  const stringData: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const match = typeof value === 'string' ? PLACEHOLDER.exec(value) : null;
    if (!match) {
      stringData[key] = value;
      continue;
    }
    const id = match[1];
    if (store[id] === undefined) {
      store[id] = randomBytes(24).toString('base64url');
      created = true;
    }
    registerSecret(store[id]);
    stringData[key] = store[id];
  }
  if (created) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return { ...manifest, stringData };
}
