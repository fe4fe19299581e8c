/**
 * A few JSON Schema builders, so the per-kind schemas read like the objects they describe.
 * Objects are closed (`additionalProperties: false`) unless marked open: a misspelt field fails.
 */
export type Schema = Record<string, unknown>;

export const str: Schema = { type: 'string', minLength: 1 };
export const bool: Schema = { type: 'boolean' };
export const int = (minimum = 0, maximum?: number): Schema => ({ type: 'integer', minimum, ...(maximum === undefined ? {} : { maximum }) });
export const pattern = (re: string): Schema => ({ type: 'string', pattern: re });
export const enm = (...values: (string | number | boolean)[]): Schema => ({ enum: values });
export const arr = (items: Schema, minItems = 0): Schema => ({ type: 'array', items, minItems });
export const strMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
/** Any JSON object (Helm values, strategic-merge patches, probes). */
export const anyObject: Schema = { type: 'object' };

export function obj(properties: Record<string, Schema>, required: string[] = [], opts: { open?: boolean } = {}): Schema {
  for (const r of required) if (!(r in properties)) throw new Error(`schema requires ${r} but does not describe it`);
  return { type: 'object', properties, required, additionalProperties: opts.open === true };
}

/** DNS-1123 subdomain, the shape of most Kubernetes object names. */
export const dnsName = pattern('^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$');
export const duration = pattern('^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$');
export const quantity = pattern('^[0-9]+(\\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$');
export const port = int(1, 65535);

const labels: Schema = { type: 'object', propertyNames: pattern('^([a-z0-9.-]+/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$'), additionalProperties: { type: 'string' } };

export function metadata(namespaced: boolean): Schema {
  return obj({ name: dnsName, namespace: dnsName, labels, annotations: strMap }, namespaced ? ['name', 'namespace'] : ['name']);
}

/** A top-level Kubernetes object: apiVersion and kind fixed, metadata, plus the given fields. */
export function resource(apiVersion: string, kind: string, namespaced: boolean, fields: Record<string, Schema>, required: string[]): Schema {
  return obj(
    { apiVersion: { const: apiVersion }, kind: { const: kind }, metadata: metadata(namespaced), ...fields },
    ['apiVersion', 'kind', 'metadata', ...required],
  );
}
