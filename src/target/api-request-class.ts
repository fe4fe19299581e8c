/**
 * What one request to a Kubernetes API server is, from its method and path: the verb and the
 * resource as the API server's own `apiserver_request_total` names them (LIST and WATCH are GETs
 * of a collection, CONNECT the streaming subresources), so the walk's client-side counts read like
 * the server's. Only the path's shape is kept: no names, namespaces or query values.
 */

export interface ApiRequestClass {
  /** GET, LIST, WATCH, POST, PUT, PATCH, DELETE, DELETECOLLECTION, CONNECT (or the method itself). */
  verb: string;
  /** `plural[.group][/subresource]` as kubectl spells it (`pods/exec`, `helmreleases.helm.toolkit.fluxcd.io`); a non-resource path as itself (`/version`, `/apis/cert-manager.io/v1`). */
  resource: string;
}

/** Subresources the API server serves as CONNECT (a stream or a proxy), whatever the HTTP method. */
const CONNECT = new Set(['exec', 'attach', 'portforward', 'proxy']);
/** What follows `namespaces/<name>/` on the Namespace object itself, not a namespaced resource. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** `pathAndQuery`: relative to the API server's URL (`/api/v1/pods?watch=true`). */
export function classifyApiRequest(method: string, pathAndQuery: string): ApiRequestClass {
  const url = new URL(pathAndQuery, 'http://api-server');
  const upper = method.toUpperCase();
  const parts = url.pathname.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length > 2) {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length > 3) {
    group = parts[1];
    rest = parts.slice(3);
  } else {
    return { verb: upper, resource: `/${parts.join('/')}` };
  }
  // The deprecated `/watch/` prefix asks for a watch of what follows.
  const watchPrefix = rest[0] === 'watch';
  if (watchPrefix) rest = rest.slice(1);
  if (rest[0] === 'namespaces' && rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
  const [plural, name, subresource] = rest;
  const resource = `${plural}${group ? `.${group}` : ''}${subresource ? `/${subresource}` : ''}`;
  if (subresource && CONNECT.has(subresource)) return { verb: 'CONNECT', resource };
  const watch = watchPrefix || ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  return { verb: verbOf(upper, name === undefined, watch), resource };
}

function verbOf(method: string, collection: boolean, watch: boolean): string {
  if (method === 'GET' || method === 'HEAD') return !collection ? 'GET' : watch ? 'WATCH' : 'LIST';
  if (method === 'DELETE' && collection) return 'DELETECOLLECTION';
  return method;
}
