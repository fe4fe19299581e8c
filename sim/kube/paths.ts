import { badRequest } from './errors.js';

export interface ResourcePath {
  kind: 'resource';
  group: string;
  version: string;
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
  /** The raw (still URL-encoded) path after the subresource, e.g. `/metrics` for services/x/proxy/metrics. */
  subpath: string;
}

export type ApiPath =
  | { kind: 'legacyVersions' }
  | { kind: 'groups' }
  | { kind: 'group'; group: string }
  | { kind: 'groupVersion'; group: string; version: string }
  | ResourcePath;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`malformed path segment: ${segment}`);
  }
}

function resourcePath(group: string, version: string, raw: string[]): ResourcePath | undefined {
  const head = raw.map(decode);
  while (head.length > 0 && head[head.length - 1] === '') head.pop();
  // `namespaces/<name>/status` is the Namespace's own subresource, not a resource called "status".
  const namespaceSubresource = group === '' && head.length === 3 && (head[2] === 'status' || head[2] === 'finalize');
  const scoped = head[0] === 'namespaces' && head.length >= 3 && !namespaceSubresource;
  const offset = scoped ? 2 : 0;
  const [plural, name, subresource] = head.slice(offset, offset + 3);
  if (!plural || head.slice(0, offset + 3).some((s) => s === '')) return undefined;
  return {
    kind: 'resource',
    group,
    version,
    ...(scoped ? { namespace: head[1] } : {}),
    plural,
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
    subpath: `/${raw.slice(offset + 3).join('/')}`,
  };
}

/** Classifies `/api...` and `/apis...` paths; undefined for anything else or a malformed path. */
export function parseApiPath(pathname: string): ApiPath | undefined {
  const raw = pathname.split('/').slice(1);
  const [root, a, b] = raw.map((s, i) => (i < 3 ? decode(s) : s));
  if (root === 'api') {
    if (!a) return raw.length <= 2 ? { kind: 'legacyVersions' } : undefined;
    if (raw.length === 2 || (raw.length === 3 && b === '')) return { kind: 'groupVersion', group: '', version: a };
    return resourcePath('', a, raw.slice(2));
  }
  if (root === 'apis') {
    if (!a) return raw.length <= 2 ? { kind: 'groups' } : undefined;
    if (!b) return raw.length <= 4 ? { kind: 'group', group: a } : undefined;
    if (raw.length === 3 || (raw.length === 4 && raw[3] === '')) return { kind: 'groupVersion', group: a, version: b };
    return resourcePath(a, b, raw.slice(3));
  }
  return undefined;
}
