import type { IncomingMessage, ServerResponse } from 'node:http';
import { StoreError, badRequest, conflict, notFound, unknownResource } from './errors.js';
import { parseObjectBody, readBody, sendJson } from './http.js';
import { applyPatch, parsePatch, patchTypeOf } from './patch.js';
import type { ResourcePath } from './paths.js';
import type { ObjectStore, WriteOptions } from './store.js';
import type { TableVersion } from './table.js';
import { negotiateTable, parseIncludeObject, toTable } from './table.js';
import type { KubeObject, ResourceType } from './types.js';
import { apiVersionOf } from './types.js';
import { serveWatch } from './watch-stream.js';

interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  rt: ResourceType;
  path: ResourcePath;
  /** The namespace from the URL, only for namespaced types. */
  namespace?: string;
  manager: string;
  write: WriteOptions;
}

/**
 * The field manager the apiserver records when the request names none: the User-Agent
 * up to its first `/` (`kubectl/v1.30.0 (linux/amd64) ...` gives `kubectl`).
 */
export function managerFor(query: URLSearchParams, userAgent: string | undefined): string {
  const explicit = query.get('fieldManager');
  if (explicit) return explicit;
  const prefix = (userAgent ?? '').split('/')[0].trim().slice(0, 128);
  return prefix || 'unknown';
}

function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}

function encodeContinue(lastKey: string): string {
  return Buffer.from(JSON.stringify({ after: lastKey })).toString('base64url');
}

function decodeContinue(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { after?: unknown }).after === 'string') {
      return (parsed as { after: string }).after;
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid');
}

/** The key the store sorts lists by, so continue tokens can resume after it. */
function listKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/** Serves GET/POST/PUT/PATCH/DELETE on `/api/v1/...` and `/apis/<g>/<v>/...` resource paths. */
export class ResourceApi {
  constructor(
    private readonly store: ObjectStore,
    private readonly openWatches: Set<ServerResponse>,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, path: ResourcePath): Promise<void> {
    const rt = this.store.typeByPlural(path.group, path.version, path.plural);
    if (!rt) throw unknownResource();
    if (!rt.namespaced && path.namespace !== undefined) throw unknownResource();
    if (path.subresource !== undefined && (path.subresource !== 'status' || !rt.hasStatus || path.subpath !== '/')) {
      throw unknownResource();
    }
    const dryRun = query.getAll('dryRun');
    if (dryRun.some((d) => d !== 'All')) throw badRequest(`unsupported dryRun value: ${dryRun.join(',')}`);
    const call: Call = {
      req,
      res,
      query,
      rt,
      path,
      ...(rt.namespaced && path.namespace !== undefined ? { namespace: path.namespace } : {}),
      manager: managerFor(query, req.headers['user-agent']),
      write: { dryRun: dryRun.length > 0 },
    };
    const method = req.method ?? 'GET';
    if (path.name === undefined) {
      if (method === 'GET') return isTrue(query.get('watch')) ? this.watch(call) : this.list(call);
      if (method === 'POST' && (call.namespace !== undefined || !rt.namespaced)) return this.create(call);
      if (method === 'DELETE') return this.deleteCollection(call);
    } else {
      if (method === 'GET') return this.get(call, path.name);
      if (method === 'PUT') return this.replace(call, path.name);
      if (method === 'PATCH') return this.patch(call, path.name);
      if (method === 'DELETE' && path.subresource === undefined) return this.delete(call, path.name);
    }
    throw new StoreError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }

  private tableVersion(call: Call): TableVersion | undefined {
    return negotiateTable(call.req.headers.accept);
  }

  private list(call: Call): void {
    const { rt, query } = call;
    const resourceVersion = this.store.currentResourceVersion();
    let items = this.store.list(apiVersionOf(rt), rt.kind, {
      namespace: call.namespace,
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
    });
    const token = query.get('continue');
    if (token) {
      const after = decodeContinue(token);
      items = items.filter((o) => listKey(o) > after);
    }
    const limit = Number(query.get('limit') ?? 0);
    let continueToken: string | undefined;
    let remaining = 0;
    if (Number.isSafeInteger(limit) && limit > 0 && items.length > limit) {
      remaining = items.length - limit;
      items = items.slice(0, limit);
      continueToken = encodeContinue(listKey(items[items.length - 1]));
    }
    const table = this.tableVersion(call);
    if (table) {
      sendJson(call.res, 200, toTable(rt, items, {
        version: table,
        includeObject: parseIncludeObject(query.get('includeObject')),
        withColumns: true,
        resourceVersion,
        continueToken,
      }));
      return;
    }
    sendJson(call.res, 200, {
      kind: `${rt.kind}List`,
      apiVersion: apiVersionOf(rt),
      metadata: { resourceVersion, ...(continueToken ? { continue: continueToken, remainingItemCount: remaining } : {}) },
      items,
    });
  }

  private watch(call: Call): void {
    const { query } = call;
    const timeout = query.get('timeoutSeconds');
    const table = this.tableVersion(call);
    serveWatch(this.store, call.res, {
      rt: call.rt,
      namespace: call.namespace,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
      timeoutSeconds: timeout === null ? undefined : Number(timeout),
      allowBookmarks: isTrue(query.get('allowWatchBookmarks')),
      sendInitialEvents: isTrue(query.get('sendInitialEvents')),
      ...(table ? { table: { version: table, includeObject: parseIncludeObject(query.get('includeObject')) } } : {}),
    }, this.openWatches);
  }

  private existing(call: Call, name: string): KubeObject {
    const obj = this.store.get(apiVersionOf(call.rt), call.rt.kind, call.namespace, name);
    if (!obj) throw notFound(call.rt, name);
    return obj;
  }

  private get(call: Call, name: string): void {
    const obj = this.existing(call, name);
    const table = this.tableVersion(call);
    if (!table) {
      sendJson(call.res, 200, obj);
      return;
    }
    sendJson(call.res, 200, toTable(call.rt, [obj], {
      version: table,
      includeObject: parseIncludeObject(call.query.get('includeObject')),
      withColumns: true,
    }));
  }

  /** Parses a body and checks it against the URL: type, namespace and (for PUT) name. */
  private async bodyObject(call: Call, name?: string): Promise<KubeObject> {
    const body = parseObjectBody(await readBody(call.req), call.req.headers['content-type']);
    const { rt } = call;
    const apiVersion = body.apiVersion ?? apiVersionOf(rt);
    const kind = body.kind ?? rt.kind;
    if (apiVersion !== apiVersionOf(rt) || kind !== rt.kind) {
      throw badRequest(`the API version or kind in the data (${String(apiVersion)}, ${String(kind)}) does not match the expected (${apiVersionOf(rt)}, ${rt.kind})`);
    }
    const metadata = (body.metadata ?? {}) as Record<string, unknown>;
    if (typeof metadata !== 'object' || Array.isArray(metadata)) throw badRequest('metadata must be an object');
    if (rt.namespaced) {
      if (metadata.namespace && metadata.namespace !== call.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      metadata.namespace = call.namespace;
    }
    if (name !== undefined) {
      if (metadata.name && metadata.name !== name) {
        throw badRequest(`the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`);
      }
      metadata.name = name;
    }
    return { ...body, apiVersion: apiVersionOf(rt), kind: rt.kind, metadata } as unknown as KubeObject;
  }

  private async create(call: Call): Promise<void> {
    const obj = await this.bodyObject(call);
    sendJson(call.res, 201, this.store.create(obj, call.manager, call.write));
  }

  private async replace(call: Call, name: string): Promise<void> {
    const obj = await this.bodyObject(call, name);
    if (call.path.subresource !== 'status') {
      sendJson(call.res, 200, this.store.update(obj, call.manager, call.write));
      return;
    }
    sendJson(call.res, 200, this.writeStatus(call, name, obj, 'Update'));
  }

  /** Writes only `source.status`, honouring `source.metadata.resourceVersion` as a precondition. */
  private writeStatus(call: Call, name: string, source: KubeObject, operation: WriteOptions['operation']): KubeObject {
    const { rt } = call;
    const current = this.existing(call, name);
    const rv = source.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(rt, name);
    return this.store.updateStatus(
      apiVersionOf(rt),
      rt.kind,
      call.namespace,
      name,
      (draft) => {
        if (source.status === undefined) delete draft.status;
        else draft.status = source.status;
      },
      call.manager,
      { ...call.write, operation },
    );
  }

  private async patch(call: Call, name: string): Promise<void> {
    const { rt } = call;
    const type = patchTypeOf(call.req.headers['content-type']);
    const patch = parsePatch(type, await readBody(call.req));
    const operation = type === 'apply' ? 'Apply' : 'Update';
    if (type === 'apply' && !call.query.get('fieldManager')) {
      throw badRequest('PATCH requests for apply must have a field manager');
    }
    const current = this.store.get(apiVersionOf(rt), rt.kind, call.namespace, name);
    if (!current) {
      if (type !== 'apply' || call.path.subresource !== undefined) throw notFound(rt, name);
      const metadata = { ...((patch as { metadata?: object }).metadata ?? {}), name, ...(call.namespace ? { namespace: call.namespace } : {}) };
      const obj = { ...(patch as object), apiVersion: apiVersionOf(rt), kind: rt.kind, metadata } as KubeObject;
      sendJson(call.res, 201, this.store.create(obj, call.manager, { ...call.write, operation }));
      return;
    }
    const patched = applyPatch(type, current, patch);
    if (patched.metadata.name !== name || (patched.metadata.namespace || undefined) !== call.namespace) {
      throw badRequest(`the name or namespace of the patched object does not match the URL (${name})`);
    }
    patched.apiVersion = apiVersionOf(rt);
    patched.kind = rt.kind;
    if (call.path.subresource === 'status') {
      sendJson(call.res, 200, this.writeStatus(call, name, patched, operation));
      return;
    }
    sendJson(call.res, 200, this.store.update(patched, call.manager, { ...call.write, operation }));
  }

  private delete(call: Call, name: string): void {
    const deleted = this.store.delete(apiVersionOf(call.rt), call.rt.kind, call.namespace, name, call.write);
    if (!deleted) throw notFound(call.rt, name);
    sendJson(call.res, 200, deleted);
  }

  private deleteCollection(call: Call): void {
    const { rt, query } = call;
    const victims = this.store.list(apiVersionOf(rt), rt.kind, {
      namespace: call.namespace,
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
    });
    const items = victims.flatMap((o) => this.store.delete(apiVersionOf(rt), rt.kind, o.metadata.namespace, o.metadata.name, call.write) ?? []);
    sendJson(call.res, 200, {
      kind: `${rt.kind}List`,
      apiVersion: apiVersionOf(rt),
      metadata: { resourceVersion: this.store.currentResourceVersion() },
      items,
    });
  }
}
