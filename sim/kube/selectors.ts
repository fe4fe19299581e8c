import { badRequest } from './errors.js';
import type { KubeObject } from './types.js';

export type ObjectPredicate = (obj: KubeObject) => boolean;

type LabelRequirement = (labels: Record<string, string>) => boolean;

const KEY = String.raw`[^\s=!(),]+`;
const NOT_EXISTS = new RegExp(String.raw`^!\s*(${KEY})$`);
const SET = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s*\(([^()]*)\)$`);
const EQUALITY = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*([^\s=!(),]*)$`);
const EXISTS = new RegExp(String.raw`^(${KEY})$`);

/** Splits on commas that are not inside a `(...)` value set. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseLabelRequirement(req: string): LabelRequirement {
  let m = NOT_EXISTS.exec(req);
  if (m) {
    const key = m[1];
    return (labels) => !(key in labels);
  }
  m = SET.exec(req);
  if (m) {
    const [, key, op, rawValues] = m;
    const values = new Set(rawValues.split(',').map((v) => v.trim()).filter((v) => v !== ''));
    if (op === 'in') return (labels) => key in labels && values.has(labels[key]);
    return (labels) => !(key in labels) || !values.has(labels[key]);
  }
  m = EQUALITY.exec(req);
  if (m) {
    const [, key, op, value] = m;
    if (op === '!=') return (labels) => labels[key] !== value;
    return (labels) => key in labels && labels[key] === value;
  }
  m = EXISTS.exec(req);
  if (m) {
    const key = m[1];
    return (labels) => key in labels;
  }
  throw badRequest(`unable to parse requirement: found '${req}', expected a label selector requirement`);
}

/** Compiles a Kubernetes label selector (`a=b,c!=d,e in (x,y),!f`); throws a 400 StoreError when malformed. */
function compileLabelSelector(selector: string | undefined): ObjectPredicate {
  const reqs = splitTopLevel(selector ?? '').map(parseLabelRequirement);
  if (reqs.length === 0) return () => true;
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return reqs.every((r) => r(labels));
  };
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[key];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

const FIELD_REQUIREMENT = /^([A-Za-z0-9_.-]+)\s*(==|=|!=)\s*(.*)$/;

/**
 * Compiles a field selector. The real apiserver only knows `metadata.name` and
 * `metadata.namespace` (plus a few per-type fields); any dotted path is accepted here.
 */
function compileFieldSelector(selector: string | undefined): ObjectPredicate {
  const reqs = splitTopLevel(selector ?? '').map((req) => {
    const m = FIELD_REQUIREMENT.exec(req);
    if (!m) throw badRequest(`invalid field selector: '${req}'`);
    const [, path, op, value] = m;
    return op === '!='
      ? (obj: KubeObject) => fieldValue(obj, path) !== value
      : (obj: KubeObject) => fieldValue(obj, path) === value;
  });
  if (reqs.length === 0) return () => true;
  return (obj) => reqs.every((r) => r(obj));
}

export function compileSelectors(opts: { labelSelector?: string; fieldSelector?: string }): ObjectPredicate {
  const byLabel = compileLabelSelector(opts.labelSelector);
  const byField = compileFieldSelector(opts.fieldSelector);
  return (obj) => byLabel(obj) && byField(obj);
}
