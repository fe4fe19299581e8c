/** JSON Schema of a history entry (format version 1); a file that fails it is reported and skipped. */
import { ENTRY_FORMAT, ENTRY_VERSION } from './entry.js';

const text = { type: 'string', minLength: 1 };
const isoTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}' };
const status = { enum: ['passed', 'failed', 'blocked', 'skipped', 'error'] };

export const ENTRY_SCHEMA = {
  type: 'object',
  required: ['format', 'version', 'sovereign', 'target', 'targetKind', 'runId', 'startedAt', 'finishedAt', 'verdict', 'scope', 'gates', 'figures'],
  properties: {
    format: { const: ENTRY_FORMAT },
    version: { const: ENTRY_VERSION },
    sovereign: text,
    target: text,
    targetKind: text,
    runId: text,
    startedAt: isoTime,
    finishedAt: isoTime,
    verdict: { enum: ['pass', 'fail'] },
    scope: {
      type: 'object',
      required: ['suites'],
      properties: { suites: { type: 'array', items: text }, shard: { type: 'string', pattern: '^\\d+/\\d+$' } },
    },
    gates: {
      type: 'array',
      items: { type: 'object', required: ['id', 'status'], properties: { id: text, status, rootCause: text } },
    },
    figures: {
      type: 'array',
      items: { type: 'object', required: ['key', 'value'], properties: { key: text, value: { type: 'number' } } },
    },
  },
} as const;
