/**
 * What a ledger line may hold: exactly the typed records the harness writes. A line that is
 * valid JSON but not one of these (a command line, a free-form selector, an unknown record) was
 * not written by the harness, and the ledger holding it is refused whole.
 */
import { Ajv } from 'ajv';
import { HARNESS_RESOURCES } from './types.js';

const NAME = { type: 'string', pattern: '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$' };
const REGION = { type: 'string', pattern: '^[A-Za-z0-9]([A-Za-z0-9._-]{0,62})$' };
const TEXT = { type: 'string', maxLength: 16384 };
const TIME = { type: 'string', maxLength: 64 };
/** Container names as docker and podman allow them; never starting with `-`, so never an option. */
const CONTAINER = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$' };
const ID = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' };

const step = (kind: string, properties: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  additionalProperties: false,
  required: ['kind', ...required],
  properties: { kind: { const: kind }, ...properties },
});

const REVERT_STEP = {
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [
    step('delete-fault-objects', { region: REGION, resource: { enum: [...HARNESS_RESOURCES] }, namespace: NAME }, ['region', 'resource']),
    step('cnpg-instances', { region: REGION, namespace: NAME, cluster: NAME, instances: { type: 'integer', minimum: 1, maximum: 99 } }, ['region', 'namespace', 'cluster', 'instances']),
    step('cnpg-unfence', { region: REGION, namespace: NAME, cluster: NAME }, ['region', 'namespace', 'cluster']),
    step('container-start', { runtime: { enum: ['docker', 'podman'] }, mode: { enum: ['stop', 'pause'] }, containers: { type: 'array', minItems: 1, maxItems: 64, items: CONTAINER } }, ['runtime', 'mode', 'containers']),
    step(
      'hcloud-power-on',
      { servers: { type: 'array', minItems: 1, maxItems: 256, items: { type: 'object', additionalProperties: false, required: ['id', 'name'], properties: { id: { type: 'integer', minimum: 1 }, name: { type: 'string', maxLength: 253 } } } } },
      ['servers'],
    ),
  ],
};

const ENTRY = {
  type: 'object',
  required: ['id', 'kind', 'target', 'runId', 'sovereign', 'revert', 'owner', 'intentAt', 'state'],
  properties: {
    id: ID,
    kind: TEXT,
    target: TEXT,
    runId: TEXT,
    detail: TEXT,
    sovereign: TEXT,
    region: REGION,
    resource: TEXT,
    namespace: TEXT,
    name: TEXT,
    revert: { type: 'array', maxItems: 32, items: REVERT_STEP },
    owner: { type: 'object', required: ['host', 'pid'], properties: { host: TEXT, pid: { type: 'integer' }, walkPid: { type: 'integer' } } },
    expiresAt: TIME,
    intentAt: TIME,
    state: { const: 'intent' },
  },
};

const LINE = {
  type: 'object',
  required: ['op'],
  discriminator: { propertyName: 'op' },
  oneOf: [
    { type: 'object', required: ['op', 'at', 'entry'], properties: { op: { const: 'intent' }, at: TIME, entry: ENTRY } },
    { type: 'object', required: ['op', 'at', 'id'], properties: { op: { const: 'applied' }, at: TIME, id: ID } },
    { type: 'object', required: ['op', 'at', 'id'], properties: { op: { const: 'reverted' }, at: TIME, id: ID, detail: TEXT } },
    { type: 'object', required: ['op', 'at', 'id', 'error'], properties: { op: { const: 'revert-failed' }, at: TIME, id: ID, error: TEXT } },
  ],
};

const validate = new Ajv({ allErrors: false, strict: false, discriminator: true }).compile(LINE);

/** Undefined when `value` is a line the harness writes; else why not (one line). */
export function ledgerLineProblem(value: unknown): string | undefined {
  if (validate(value)) return undefined;
  const e = validate.errors?.[0];
  const op = (value as { op?: unknown } | null)?.op;
  return `${typeof op === 'string' ? `${op.slice(0, 20)} record` : 'record'}${e ? ` ${e.instancePath || '/'} ${e.message ?? ''}` : ''}`.trim();
}
