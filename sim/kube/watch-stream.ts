import type { ServerResponse } from 'node:http';
import { StoreError, badRequest, toStatus } from './errors.js';
import { compileSelectors } from './selectors.js';
import type { ObjectStore } from './store.js';
import type { IncludeObject, TableVersion } from './table.js';
import { toTable } from './table.js';
import type { KubeObject, ResourceType, StoreEvent } from './types.js';
import { apiVersionOf } from './types.js';

export interface WatchParams {
  rt: ResourceType;
  namespace?: string;
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  timeoutSeconds?: number;
  allowBookmarks: boolean;
  /** Streaming-list mode (`sendInitialEvents=true`): initial ADDED events end with a marked BOOKMARK. */
  sendInitialEvents: boolean;
  table?: { version: TableVersion; includeObject: IncludeObject };
}

const BOOKMARK_INTERVAL_MS = 30_000;
/** A watcher this far behind is cut off, as the apiserver drops watchers that cannot keep up. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

type OutgoingType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * Streams a watch as newline-delimited JSON events. Events from before the watch start come
 * from the store's log; objects moving into or out of the selectors appear as ADDED / DELETED.
 * The response is registered in `open` until it ends so the server can close it on shutdown.
 */
export function serveWatch(store: ObjectStore, res: ServerResponse, p: WatchParams, open: Set<ServerResponse>): void {
  const matches = compileSelectors(p);
  const apiVersion = apiVersionOf(p.rt);
  const replayFrom = p.resourceVersion === undefined || p.resourceVersion === '' || p.resourceVersion === '0' ? undefined : p.resourceVersion;
  if (replayFrom !== undefined && !/^\d+$/.test(replayFrom)) throw badRequest(`invalid resource version: "${replayFrom}"`);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  open.add(res);

  let firstTableEvent = true;
  const write = (type: OutgoingType, object: unknown): void => {
    if (res.writableEnded || res.destroyed) return;
    let payload = object;
    if (p.table && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
      payload = toTable(p.rt, [object as KubeObject], { ...p.table, withColumns: firstTableEvent });
      firstTableEvent = false;
    }
    res.write(`${JSON.stringify({ type, object: payload })}\n`);
    if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
  };
  const bookmark = (annotations?: Record<string, string>): void =>
    write('BOOKMARK', {
      kind: p.rt.kind,
      apiVersion,
      metadata: { resourceVersion: store.currentResourceVersion(), ...(annotations ? { annotations } : {}) },
    });

  const onEvent = (e: StoreEvent): void => {
    const now = matches(e.object);
    const before = e.previous !== undefined && matches(e.previous);
    if (e.type === 'MODIFIED') {
      if (now) write(before ? 'MODIFIED' : 'ADDED', e.object);
      else if (before) write('DELETED', e.object);
    } else if (now) {
      write(e.type, e.object);
    }
  };

  let bookmarkTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let unsubscribe = (): void => {};
  const finish = (): void => {
    clearInterval(bookmarkTimer);
    clearTimeout(timeoutTimer);
    unsubscribe();
    open.delete(res);
    if (!res.writableEnded) res.end();
  };
  res.on('close', finish);

  try {
    if (replayFrom === undefined) {
      const from = store.currentResourceVersion();
      for (const obj of store.list(apiVersion, p.rt.kind, { namespace: p.namespace, labelSelector: p.labelSelector, fieldSelector: p.fieldSelector })) {
        write('ADDED', obj);
      }
      if (p.sendInitialEvents && p.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
      unsubscribe = store.watchSince(apiVersion, p.rt.kind, from, onEvent, { namespace: p.namespace });
    } else {
      unsubscribe = store.watchSince(apiVersion, p.rt.kind, replayFrom, onEvent, { namespace: p.namespace });
    }
  } catch (err) {
    // Like the apiserver, a watch that cannot start still answers 200 and reports the error as an event.
    if (!(err instanceof StoreError)) throw err;
    write('ERROR', toStatus(err));
    finish();
    return;
  }

  // The client may have gone before the subscription existed, in which case 'close' has already fired.
  if (!res.socket || res.socket.destroyed) {
    finish();
    return;
  }
  if (p.allowBookmarks) bookmarkTimer = setInterval(() => bookmark(), BOOKMARK_INTERVAL_MS);
  if (p.timeoutSeconds !== undefined && p.timeoutSeconds > 0) timeoutTimer = setTimeout(finish, p.timeoutSeconds * 1000);
}
