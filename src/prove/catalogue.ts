/**
 * The fault catalogue (fixtures/fault-catalogue.json): every fault the embedded Sovereign can
 * inject, with the gates it must turn red and the gates it must leave green. `npm run prove` and
 * the tests read this one file. Gate patterns name kit slots, not gate ids, so an entry holds for
 * any kit that has its slots:
 *   `{bp-gitea}`               the slot's part of a gate id (`10-bp-gitea`);
 *   `{dependents:bp-gitea}`    one pattern per slot that transitively depends on it (none: no gate);
 *   `*`                        any run of characters but `/` (`dod/L3.*.{bp-gitea}`: every region).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type JSONSchemaType } from 'ajv';
import { SetupError } from '../target/errors.js';
import type { GateStatus } from '../gates/types.js';
import { REPO_ROOT } from '../repo-root.js';

export const CATALOGUE_PATH = join(REPO_ROOT, 'fixtures/fault-catalogue.json');

export interface Expectation {
  gates: string[];
  /** The status, or any of the statuses, the gate must end in. */
  status: GateStatus | GateStatus[];
  /** For blocked gates: the gate (pattern naming exactly one) at the root of the chain. */
  rootCause?: string;
  /** A regular expression the gate's reason must match. */
  reason?: string;
}

export interface CatalogueEntry {
  /** What `--fault` selects and the matrix shows. */
  id: string;
  /** What the fault does and why these gates, for people. */
  why: string;
  /** `--sim-fault` specs, all injected together. */
  faults: string[];
  /** The suites the fault is walked with; its cells in other suites are not walked. */
  suites: string[];
  /** Walk flags the fault needs (`--cutover observe`). */
  walk?: string[];
  /** Walked alone even when its gates do not overlap another fault's. */
  alone?: boolean;
  red: Expectation[];
  /** Gates the fault acts on that must stay green (passed, or skipped as in the healthy walk). */
  green?: string[];
  /** Gates the fault breaks along the way whose verdict proves nothing about it: not compared. */
  ignore?: string[];
}

export interface Catalogue {
  entries: CatalogueEntry[];
}

const STATUS = { type: 'string', enum: ['passed', 'failed', 'blocked', 'skipped', 'error'] } as const;

const SCHEMA: JSONSchemaType<Catalogue> = {
  type: 'object',
  additionalProperties: true,
  required: ['entries'],
  properties: {
    entries: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'why', 'faults', 'suites', 'red'],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9._:/-]+$' },
          why: { type: 'string', minLength: 1 },
          faults: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          suites: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: ['readiness', 'dod', 'journeys', 'cutover', 'failover'] } },
          walk: { type: 'array', nullable: true, items: { type: 'string' } },
          alone: { type: 'boolean', nullable: true },
          red: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['gates', 'status'],
              properties: {
                gates: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
                status: { anyOf: [STATUS, { type: 'array', minItems: 1, items: STATUS }] } as never,
                rootCause: { type: 'string', nullable: true },
                reason: { type: 'string', nullable: true },
              },
            },
          },
          green: { type: 'array', nullable: true, items: { type: 'string', minLength: 1 } },
          ignore: { type: 'array', nullable: true, items: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
};

const validate = new Ajv({ allErrors: false, strict: false }).compile(SCHEMA);

export function loadCatalogue(path: string): Catalogue {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new SetupError(`fault catalogue ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!validate(raw)) {
    const first = validate.errors?.[0];
    throw new SetupError(`fault catalogue ${path}: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`);
  }
  const seen = new Set<string>();
  for (const e of raw.entries) {
    if (seen.has(e.id)) throw new SetupError(`fault catalogue ${path}: entry ${e.id} appears twice`);
    seen.add(e.id);
    for (const x of e.red) {
      if (x.reason === undefined) continue;
      try {
        new RegExp(x.reason);
      } catch {
        throw new SetupError(`fault catalogue ${path}: entry ${e.id}: reason ${JSON.stringify(x.reason)} is not a regular expression`);
      }
    }
  }
  return raw;
}

export const statusesOf = (x: Pick<Expectation, 'status'>): GateStatus[] => (Array.isArray(x.status) ? x.status : [x.status]);
