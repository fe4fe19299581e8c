import { badRequest } from './errors.js';
import type { JsonPathStep } from './jsonpath.js';
import { evaluateJsonPath, parseJsonPath } from './jsonpath.js';
import type { KubeObject, PrinterColumn, ResourceType } from './types.js';

export type TableVersion = 'v1' | 'v1beta1';
export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableOptions {
  version: TableVersion;
  includeObject: IncludeObject;
  /** Watch events after the first omit the column definitions, as the apiserver does. */
  withColumns: boolean;
  resourceVersion?: string;
  continueToken?: string;
}

const NAME_COLUMN: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
};

const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

/**
 * The Table version the Accept header prefers (kubectl get sends
 * `application/json;as=Table;v=v1;g=meta.k8s.io,...,application/json`), or undefined for plain JSON.
 */
export function negotiateTable(accept: string | undefined): TableVersion | undefined {
  for (const mediaType of (accept ?? '').split(',')) {
    const [type, ...rawParams] = mediaType.split(';').map((s) => s.trim());
    const params = new Map(rawParams.map((p) => p.split('=').map((s) => s.trim()) as [string, string]));
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io') {
      const v = params.get('v');
      if (v === 'v1' || v === 'v1beta1') return v;
    } else if (!params.has('as') && (type === 'application/json' || type === '*/*')) {
      return undefined;
    }
  }
  return undefined;
}

export function parseIncludeObject(raw: string | null): IncludeObject {
  if (raw === null || raw === '') return 'Metadata';
  if (raw === 'None' || raw === 'Metadata' || raw === 'Object') return raw;
  throw badRequest(`invalid includeObject: "${raw}"`);
}

/** Go's k8s.io/apimachinery duration.HumanDuration, as kubectl shows ages. */
function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

function cellValue(column: PrinterColumn, steps: JsonPathStep[], obj: KubeObject): unknown {
  const [value] = evaluateJsonPath(steps, obj);
  if (value === undefined || value === null) return null;
  if (column.type === 'date' && typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? value : humanDuration(Date.now() - t);
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

function rowObject(obj: KubeObject, include: IncludeObject, version: TableVersion): unknown {
  if (include === 'Object') return obj;
  if (include === 'None') return undefined;
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

/** A `meta.k8s.io` Table: Name, then the type's printer columns (or Age when it declares none). */
export function toTable(rt: ResourceType, objects: KubeObject[], opts: TableOptions): Record<string, unknown> {
  const columns = rt.printerColumns?.length ? rt.printerColumns : [AGE_COLUMN];
  const paths = columns.map((c) => parseJsonPath(c.jsonPath));
  const definitions: ColumnDefinition[] = [
    NAME_COLUMN,
    ...columns.map((c) => ({ name: c.name, type: c.type, format: '', description: c.jsonPath, priority: c.priority ?? 0 })),
  ];
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata: {
      ...(opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {}),
      ...(opts.continueToken ? { continue: opts.continueToken } : {}),
    },
    columnDefinitions: opts.withColumns ? definitions : [],
    rows: objects.map((obj) => ({
      cells: [obj.metadata.name, ...columns.map((c, i) => cellValue(c, paths[i], obj))],
      object: rowObject(obj, opts.includeObject, opts.version),
    })),
  };
}
