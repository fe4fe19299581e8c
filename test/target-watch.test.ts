/**
 * ResilientWatch against a stub API server on loopback: a list, a watch that ends, then a watch
 * answered with 410 Gone while an object was deleted. The re-list must leave the consumer's
 * cache equal to the server's objects (DELETED for the gap's deletion, MODIFIED for a known
 * object that changed, ADDED only for new ones).
 */
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { ResilientWatch, type WatchEvent } from '../src/target/watch.js';
import type { KubeObject } from '../src/target/objects.js';

const PATH = '/api/v1/namespaces/ns/configmaps';
const cm = (name: string, rv: number): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: String(rv) } });

test('after 410 Gone the re-list emits DELETED for objects removed during the gap and MODIFIED for changed ones', async () => {
  let objects = [cm('a', 1), cm('b', 2), cm('c', 3)];
  let listRv = 3;
  const watches: string[] = [];
  const open: ServerResponse[] = [];
  const line = (res: ServerResponse, type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    res.setHeader('content-type', 'application/json');
    if (url.searchParams.get('watch') !== 'true') {
      res.end(JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: String(listRv) }, items: objects }));
      return;
    }
    watches.push(url.searchParams.get('resourceVersion') ?? '');
    if (watches.length === 1) {
      // One change, then the server closes the watch (as real API servers do after a while).
      objects = objects.map((o) => (o.metadata.name === 'a' ? cm('a', 4) : o));
      line(res, 'MODIFIED', cm('a', 4));
      res.end();
      return;
    }
    if (watches.length === 2) {
      // The gap: b deleted, c changed, d created; the watch's resourceVersion is compacted away.
      objects = [cm('a', 4), cm('c', 6), cm('d', 7)];
      listRv = 7;
      line(res, 'ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version: 4 (5)' });
      res.end();
      return;
    }
    res.writeHead(200);
    res.flushHeaders();
    open.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: base, skipTLSVerify: true }], users: [{ name: 'u', token: 'stub' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });

  const events: string[] = [];
  const cache = new Map<string, string>();
  const list = async () => {
    const body = (await (await fetch(`${base}${PATH}`)).json()) as { items: KubeObject[]; metadata: { resourceVersion: string } };
    return { items: body.items, resourceVersion: body.metadata.resourceVersion };
  };
  const w = new ResilientWatch(kc, PATH, {}, list, (type: WatchEvent, o) => {
    events.push(`${type} ${o.metadata.name}@${o.metadata.resourceVersion}`);
    if (type === 'DELETED') cache.delete(o.metadata.name);
    else cache.set(o.metadata.name, o.metadata.resourceVersion ?? '');
  }, () => {});
  try {
    await w.start();
    const deadline = Date.now() + 10_000;
    while (watches.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(watches.length, 3, 'watched, re-watched, and watched again after the re-list');
    assert.deepEqual(watches, ['3', '4', '7'], 're-watch from the last seen resourceVersion, then from the re-list');
    assert.deepEqual(events, ['ADDED a@1', 'ADDED b@2', 'ADDED c@3', 'MODIFIED a@4', 'MODIFIED c@6', 'ADDED d@7', 'DELETED b@2']);
    assert.deepEqual(Object.fromEntries(cache), Object.fromEntries(objects.map((o) => [o.metadata.name, o.metadata.resourceVersion])), 'the cache equals the server after the gap');
  } finally {
    w.stop();
    for (const r of open) r.end();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
