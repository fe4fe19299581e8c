/**
 * Validation against an upstream CRD's openAPIV3Schema, as the API server would judge a write:
 * the structural-schema extensions are dropped (x-kubernetes-*; CEL rules are not evaluated),
 * and a field the schema does not declare is an error rather than silently pruned, so a sample
 * or a status that would lose fields on the way in fails here. The CRD files come from the
 * per-user cache set-up fills (without it the lookup throws set-up's instruction), then the
 * structural CRDs the embedded Sovereign serves where upstream ships none (sim/controlplane/crds/).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { join } from 'node:path';
import { cachedFiles } from '../../sim/controlplane/assets.js';
import { REPO_ROOT } from '../../src/repo-root.js';

const SIM_CRDS = join(REPO_ROOT, 'sim/controlplane/crds');

type Schema = Record<string, unknown>;

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema: Schema };
  subresources?: { status?: object };
}

interface Crd {
  spec: { group: string; scope: 'Namespaced' | 'Cluster'; names: { kind: string }; versions: CrdVersion[] };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function findCrd(group: string, kind: string, env: NodeJS.ProcessEnv = process.env): Crd {
  const local = readdirSync(SIM_CRDS).filter((f) => f.endsWith('.yaml')).map((f) => join(SIM_CRDS, f));
  for (const file of [...cachedFiles(undefined, env), ...local]) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes(group) || !text.includes(kind)) continue;
    for (const doc of parseAllDocuments(text)) {
      const crd = doc.toJS() as (Crd & { kind?: string }) | null;
      if (crd?.kind === 'CustomResourceDefinition' && crd.spec.group === group && crd.spec.names.kind === kind) return crd;
    }
  }
  throw new Error(`no CRD for ${kind}.${group} in the cache: run bash scripts/setup.sh`);
}

const BRANCHES = new Set(['anyOf', 'oneOf', 'allOf', 'not']);

/**
 * The schema the API server applies: extensions dropped, undeclared fields rejected (except
 * inside anyOf/oneOf/allOf/not, whose branches only add value validations to fields declared
 * beside them).
 */
function structural(s: unknown, branch = false): unknown {
  if (Array.isArray(s)) return s.map((x) => structural(x, branch));
  if (!s || typeof s !== 'object') return s;
  const src = s as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(src)) {
    if (k.startsWith('x-kubernetes-') || k === 'description' || k === 'default') continue;
    if (k === 'properties' || k === 'patternProperties') out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, structural(ps)]));
    else out[k] = structural(v, BRANCHES.has(k) || branch);
  }
  if (branch) return out;
  if (src['x-kubernetes-embedded-resource']) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...(out.properties as Schema | undefined) };
  }
  if (out.properties && out.additionalProperties === undefined && !src['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})` : ''}`);
}

export interface CrdSchema {
  /** The versions the CRD serves, and the one it stores. */
  served: string[];
  storage: string;
  hasStatusSubresource: boolean;
  /** Errors for a whole object (apiVersion, kind, metadata, spec…); [] when the API server would accept it. */
  object(obj: Record<string, unknown>): string[];
  /** Errors for a status body written at this version. */
  status(status: Record<string, unknown>): string[];
}

const compiled = new Map<string, CrdSchema>();

export function crdSchema(group: string, kind: string, version: string): CrdSchema {
  const key = `${kind}.${group}/${version}`;
  let schema = compiled.get(key);
  if (!schema) compiled.set(key, (schema = compile(group, kind, version)));
  return schema;
}

function compile(group: string, kind: string, version: string): CrdSchema {
  const crd = findCrd(group, kind);
  const v = crd.spec.versions.find((x) => x.name === version);
  if (!v?.schema) throw new Error(`${kind}.${group} has no schema for ${version} (versions: ${crd.spec.versions.map((x) => x.name).join(', ')})`);
  const root = structural(v.schema.openAPIV3Schema) as Schema;
  // The API server allows apiVersion, kind and metadata on every object, declared or not.
  root.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...(root.properties as Schema | undefined) };
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false, formats: { 'date-time': RFC3339, int32: true, int64: true, byte: true, double: true, float: true, 'int-or-string': true, duration: true, uri: true, quantity: true } });
  const whole = ajv.compile(root);
  const statusSchema = ((root.properties ?? {}) as Schema).status;
  const status = statusSchema ? ajv.compile(statusSchema as Schema) : undefined;
  return {
    served: crd.spec.versions.filter((x) => x.served).map((x) => x.name),
    storage: crd.spec.versions.find((x) => x.storage)!.name,
    hasStatusSubresource: !!v.subresources?.status,
    object: (obj) => (whole(obj) ? [] : describe(whole.errors)),
    status: (s) => {
      if (!status) return [`${kind}.${group} ${version} declares no status`];
      return status(s) ? [] : describe(status.errors);
    },
  };
}
