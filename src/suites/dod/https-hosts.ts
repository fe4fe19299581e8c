/**
 * L5 expectation table: which path each public host is probed on and which statuses count as
 * healthy. A 401/403 is healthy only for a host declared as an auth wall; a 404 only where listed.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type JSONSchemaType } from 'ajv';
import { SetupError } from '../../target/errors.js';

export interface HttpsHostExpectation {
  /** Leftmost label: `gitea` → `https://gitea.<sov>`. */
  host: string;
  path: string;
  expect: number[];
  /** The host answers anonymous requests with 401/403 by design. */
  authWall?: boolean;
  note?: string;
}

export const DEFAULT_HTTPS_HOSTS: HttpsHostExpectation[] = [
  { host: 'console', path: '/', expect: [200], note: 'operator console SPA shell' },
  { host: 'api', path: '/healthz', expect: [200], note: 'catalyst-api liveness (its / has no route)' },
  { host: 'auth', path: '/', expect: [200, 302], note: 'Keycloak welcome page or redirect to the realm' },
  { host: 'gitea', path: '/', expect: [200], note: 'Gitea explore page' },
  { host: 'registry', path: '/v2/', expect: [401], authWall: true, note: 'Harbor registry API asks for a token' },
  { host: 'bao', path: '/', expect: [200, 307], note: 'OpenBao redirects / to /ui/' },
  { host: 'marketplace', path: '/', expect: [200], note: 'storefront' },
  { host: 'pdns', path: '/api/v1/servers', expect: [401], authWall: true, note: 'PowerDNS API needs X-API-Key' },
];

const schema: JSONSchemaType<HttpsHostExpectation[]> = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'path', 'expect'],
    properties: {
      host: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' },
      path: { type: 'string', pattern: '^/' },
      expect: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 100, maximum: 599 } },
      authWall: { type: 'boolean', nullable: true },
      note: { type: 'string', nullable: true },
    },
  },
};

const validate = new Ajv({ allErrors: true }).compile(schema);

/** Checks a table: schema, unique hosts, and no auth-wall status on a host not declared as one. */
export function validateHttpsHosts(table: unknown, source: string): HttpsHostExpectation[] {
  if (!validate(table)) {
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
    throw new SetupError(`HTTPS host table ${source} is invalid: ${why}`);
  }
  const seen = new Set<string>();
  for (const row of table) {
    if (seen.has(row.host)) throw new SetupError(`HTTPS host table ${source} lists ${row.host} twice`);
    seen.add(row.host);
    if (!row.authWall && row.expect.some((s) => s === 401 || s === 403)) {
      throw new SetupError(`HTTPS host table ${source}: ${row.host} expects ${row.expect.join('/')} but is not declared authWall`);
    }
  }
  return table;
}

/** The default table, or the JSON file given (same shape). */
export function loadHttpsHosts(file?: string): HttpsHostExpectation[] {
  if (!file) return DEFAULT_HTTPS_HOSTS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SetupError(`HTTPS host table ${file} is unreadable: ${(e as Error).message}`);
  }
  return validateHttpsHosts(parsed, file);
}
