/**
 * Validates every manifest of the kind plan before anything is applied: a JSON Schema per
 * apiVersion/kind (required fields, types, enums, closed objects, so a typo fails) plus the
 * cross-field rules a schema cannot say. A kind without a schema is an error too.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Manifest } from '../steps.js';
import { coreSchemas } from './core.js';
import { platformSchemas } from './platform.js';
import type { Schema } from './dsl.js';

function keyOf(schema: Schema): string {
  const props = schema.properties as Record<string, { const?: unknown }>;
  return `${String(props.apiVersion.const)} ${String(props.kind.const)}`;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validators = new Map<string, ValidateFunction>();
for (const schema of [...coreSchemas, ...platformSchemas]) {
  const key = keyOf(schema);
  if (validators.has(key)) throw new Error(`two schemas for ${key}`);
  validators.set(key, ajv.compile(schema));
}

export function schemaKinds(): string[] {
  return [...validators.keys()].sort();
}

function formatError(e: ErrorObject): string {
  const at = e.instancePath || '(root)';
  if (e.keyword === 'additionalProperties') return `${at}: unknown field "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
  if (e.keyword === 'enum') return `${at}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${at}: ${e.message ?? e.keyword}`;
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function crossFieldErrors(m: Manifest): string[] {
  const spec = asObject(m.spec);
  const errors: string[] = [];
  if (m.kind === 'Deployment') {
    const selector = asObject(asObject(spec.selector).matchLabels);
    const template = asObject(spec.template);
    const labels = asObject(asObject(template.metadata).labels);
    for (const [k, v] of Object.entries(selector)) {
      if (labels[k] !== v) errors.push(`/spec/selector/matchLabels/${k}: the pod template does not carry ${k}=${String(v)}`);
    }
    const pod = asObject(template.spec);
    const volumes = new Set(asArray(pod.volumes).map((v) => asObject(v).name));
    for (const c of [...asArray(pod.initContainers), ...asArray(pod.containers)]) {
      for (const mount of asArray(asObject(c).volumeMounts)) {
        const name = asObject(mount).name;
        if (!volumes.has(name)) errors.push(`container ${String(asObject(c).name)}: volumeMount ${String(name)} names no volume`);
      }
    }
  }
  if (m.kind === 'Service' && spec.type !== 'NodePort') {
    if (asArray(spec.ports).some((p) => asObject(p).nodePort !== undefined)) errors.push('/spec/ports: nodePort set on a Service that is not type NodePort');
  }
  if (m.apiVersion === 'postgresql.cnpg.io/v1' && m.kind === 'Cluster') {
    const external = new Set(asArray(spec.externalClusters).map((c) => asObject(c).name));
    const sources = [asObject(spec.replica).source, asObject(asObject(spec.bootstrap).pg_basebackup).source].filter((s) => s !== undefined);
    for (const s of sources) if (!external.has(s)) errors.push(`source ${String(s)} is not one of spec.externalClusters`);
    if (Object.keys(asObject(spec.bootstrap)).length > 1) errors.push('/spec/bootstrap: exactly one bootstrap method');
    const sync = asObject(asObject(spec.postgresql).synchronous);
    // CNPG's CEL rule on spec.postgresql.synchronous.
    if (sync.dataDurability === 'preferred' && (asArray(sync.standbyNamesPre).length > 0 || asArray(sync.standbyNamesPost).length > 0)) {
      errors.push("/spec/postgresql/synchronous: dataDurability set to 'preferred' requires empty 'standbyNamesPre' and empty 'standbyNamesPost'");
    }
  }
  return errors;
}

/** Problems with one manifest (empty when valid). */
export function validateManifest(m: Manifest): string[] {
  const validate = validators.get(`${m.apiVersion} ${m.kind}`);
  if (!validate) return [`no schema for ${m.apiVersion} ${m.kind} (add one in src/kind/schemas/)`];
  if (!validate(m)) return (validate.errors ?? []).map(formatError);
  return crossFieldErrors(m);
}
