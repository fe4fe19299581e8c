/**
 * The walk's API request counts: the classifier (method and path → the API server's verb and
 * resource), every kind of request a region client sends counted exactly once (the counts equal
 * what a stub API server received), and the counts of several processes summed from the run
 * folder, a process that died before its final write named as partial.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { classifyApiRequest } from '../src/target/api-request-class.js';
import { apiRequestsOfThisProcess, pathOnServer } from '../src/target/api-requests.js';
import { RegionClient } from '../src/target/kube.js';
import { readApiRequests } from '../src/gates/recorder.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

test('the classifier names verb and resource as the API server does, from the path alone', () => {
  const cases: [string, string, string][] = [
    ['GET', '/api/v1/namespaces/ns/pods', 'LIST pods'],
    ['GET', '/api/v1/namespaces/ns/pods/web-0', 'GET pods'],
    ['GET', '/api/v1/pods?labelSelector=app%3Dweb', 'LIST pods'],
    ['GET', '/api/v1/nodes', 'LIST nodes'],
    ['GET', '/api/v1/nodes/node-1', 'GET nodes'],
    ['GET', '/api/v1/namespaces', 'LIST namespaces'],
    ['GET', '/api/v1/namespaces/flux-system', 'GET namespaces'],
    ['PUT', '/api/v1/namespaces/flux-system/finalize', 'PUT namespaces/finalize'],
    ['GET', '/apis/helm.toolkit.fluxcd.io/v2/namespaces/flux-system/helmreleases?watch=true&resourceVersion=12', 'WATCH helmreleases.helm.toolkit.fluxcd.io'],
    ['GET', '/apis/helm.toolkit.fluxcd.io/v2/helmreleases?watch=1', 'WATCH helmreleases.helm.toolkit.fluxcd.io'],
    ['GET', '/api/v1/watch/namespaces/ns/configmaps', 'WATCH configmaps'],
    ['GET', '/apis/cert-manager.io/v1/clusterissuers/letsencrypt', 'GET clusterissuers.cert-manager.io'],
    ['POST', '/apis/cilium.io/v2/namespaces/ns/ciliumnetworkpolicies?fieldManager=sovereign-walk', 'POST ciliumnetworkpolicies.cilium.io'],
    ['PATCH', '/apis/postgresql.cnpg.io/v1/namespaces/db/clusters/pg', 'PATCH clusters.postgresql.cnpg.io'],
    ['PATCH', '/apis/postgresql.cnpg.io/v1/namespaces/db/clusters/pg/status', 'PATCH clusters.postgresql.cnpg.io/status'],
    ['DELETE', '/api/v1/namespaces/ns/configmaps/a', 'DELETE configmaps'],
    ['DELETE', '/api/v1/namespaces/ns/configmaps?labelSelector=x', 'DELETECOLLECTION configmaps'],
    ['GET', '/api/v1/namespaces/ns/pods/web-0/exec?command=cat&command=%2Fetc%2Fsecret&container=app&stdout=true', 'CONNECT pods/exec'],
    ['POST', '/api/v1/namespaces/ns/pods/web-0/portforward', 'CONNECT pods/portforward'],
    ['GET', '/api/v1/namespaces/ns/services/web:80/proxy/v1/sys/health?token=abc', 'CONNECT services/proxy'],
    ['GET', '/api/v1/namespaces/ns/pods/web-0/log?container=app', 'GET pods/log'],
    ['POST', '/api/v1/namespaces/ns/pods/web-0/eviction', 'POST pods/eviction'],
    ['GET', '/version', 'GET /version'],
    ['GET', '/api', 'GET /api'],
    ['GET', '/api/v1', 'GET /api/v1'],
    ['GET', '/apis', 'GET /apis'],
    ['GET', '/apis/helm.toolkit.fluxcd.io/v2', 'GET /apis/helm.toolkit.fluxcd.io/v2'],
    ['GET', '/readyz?verbose', 'GET /readyz'],
  ];
  for (const [method, path, want] of cases) {
    const c = classifyApiRequest(method, path);
    assert.equal(`${c.verb} ${c.resource}`, want, `${method} ${path}`);
  }
});

test('a request URL is taken relative to an API server that has a path of its own', () => {
  assert.equal(pathOnServer('https://rancher.example/k8s/clusters/c-1/api/v1/pods?watch=true', 'https://rancher.example/k8s/clusters/c-1/'), '/api/v1/pods?watch=true');
  assert.equal(pathOnServer('https://10.0.0.1:6443/api/v1/pods', 'https://10.0.0.1:6443'), '/api/v1/pods');
});

/** A stub API server: discovery (without the aggregated form), a ConfigMap collection (list, get, create, patch, delete, watch), a service proxy, exec refused. */
function stubApiServer(): { received: string[]; listen: () => Promise<string>; close: () => void } {
  const received: string[] = [];
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns', resourceVersion: '5' } };
  const json = (res: ServerResponse, body: unknown) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    received.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://stub');
    const p = url.pathname;
    if (p === '/version') return json(res, { gitVersion: 'v1.34.4' });
    // Discovery as a server without the aggregated form answers it (the client then asks per group version).
    if (p === '/api') return json(res, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (p === '/apis') return json(res, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'example.io', versions: [{ groupVersion: 'example.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'example.io/v1', version: 'v1' } }] });
    if (p === '/api/v1') return json(res, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [{ name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] }] });
    if (p === '/apis/example.io/v1') return json(res, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'example.io/v1', resources: [{ name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', verbs: ['get', 'list'] }] });
    if (p === '/apis/example.io/v1/namespaces/ns/widgets') return json(res, { apiVersion: 'example.io/v1', kind: 'WidgetList', metadata: { resourceVersion: '7' }, items: [] });
    if (p === '/api/v1/namespaces/ns/configmaps' && url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: { ...cm, metadata: { ...cm.metadata, name: 'b', resourceVersion: '6' } } })}\n`);
      return; // held open until the client stops watching
    }
    if (p === '/api/v1/namespaces/ns/configmaps') return req.method === 'POST' ? json(res, cm) : json(res, { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '5' }, items: [cm] });
    if (p === '/api/v1/namespaces/ns/configmaps/a') return req.method === 'DELETE' ? json(res, { apiVersion: 'v1', kind: 'Status', status: 'Success' }) : json(res, cm);
    if (decodeURIComponent(p).startsWith('/api/v1/namespaces/ns/services/web:80/proxy/')) return res.end('ok');
    res.statusCode = 404;
    json(res, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404 });
  });
  // exec is a WebSocket upgrade: refused, as an API server refuses a forbidden exec.
  server.on('upgrade', (req: IncomingMessage, socket) => {
    received.push(`${req.method} ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  return {
    received,
    listen: () => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => server.close(),
  };
}

test('every request a region client sends is counted exactly once: API calls, discovery, watches, exec and the service proxy', async () => {
  const stub = stubApiServer();
  const server = await stub.listen();
  const dir = tempDir('sw-api-requests-');
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: '${server}', insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: counted-token-123}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
  );
  const region = new RegionClient({ name: 'counted-region', role: 'primary', kubeconfigPath: kubeconfig });
  try {
    await region.ping();
    await region.list('configmaps', { namespace: 'ns' });
    await region.list('widgets.example.io', { namespace: 'ns' });
    await region.get('configmaps', 'ns', 'a');
    await region.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } });
    await region.mergePatch('configmaps', 'ns', 'a', { data: { k: 'v' } });
    await region.delete('configmaps', 'ns', 'a');
    const seen: string[] = [];
    const watch = await region.watch('configmaps', { namespace: 'ns' }, (type, o) => seen.push(`${type} ${o.metadata.name}`));
    for (let i = 0; i < 100 && !seen.includes('ADDED b'); i++) await new Promise((r) => setTimeout(r, 20));
    watch.stop();
    assert.ok(seen.includes('ADDED b'), `the watch delivered its event: ${seen.join(', ')}`);
    assert.equal((await region.serviceProxyGet('ns', 'web', '80', '/healthz')).body, 'ok');
    await assert.rejects(region.exec('ns', 'web-0', 'app', ['cat', '/etc/hostname'], 5_000));
  } finally {
    region.close();
    stub.close();
  }
  const server_ = new Map<string, number>();
  for (const r of stub.received) {
    const [method, path] = r.split(' ');
    const c = classifyApiRequest(method, path);
    server_.set(`${c.verb} ${c.resource}`, (server_.get(`${c.verb} ${c.resource}`) ?? 0) + 1);
  }
  const counted = apiRequestsOfThisProcess().find((r) => r.region === 'counted-region');
  assert.ok(counted, 'the region has counts');
  const client = new Map(counted.requests.map((l) => [`${l.verb} ${l.resource}`, l.count]));
  assert.deepEqual(Object.fromEntries([...client].sort()), Object.fromEntries([...server_].sort()), 'what the client counted is what the server received');
  assert.equal(counted.total, stub.received.length);
  for (const kind of ['GET /version', 'LIST configmaps', 'LIST widgets.example.io', 'GET configmaps', 'POST configmaps', 'PATCH configmaps', 'DELETE configmaps', 'WATCH configmaps', 'CONNECT services/proxy', 'CONNECT pods/exec', 'GET /api', 'GET /apis', 'GET /api/v1']) {
    assert.ok(client.has(kind), `${kind} was counted: ${[...client.keys()].join(', ')}`);
  }
  assert.equal(client.get('WATCH configmaps'), 1);
  assert.doesNotMatch(JSON.stringify(counted), /counted-token|hostname|web-0|healthz/, 'no token, command, name or proxied path in the counts');
});

/** A process of the walk: counts requests, then writes its counts to the run folder (final or not, as a process that dies mid-suite leaves them). */
const PROCESS = (runDir: string, counts: [string, string, string][], final: boolean) => `
import { countApiRequest, apiRequestsOfThisProcess } from ${JSON.stringify(join(ROOT, 'src/target/api-requests.ts'))};
import { writeApiRequests } from ${JSON.stringify(join(ROOT, 'src/gates/recorder.ts'))};
for (const [region, method, path] of ${JSON.stringify(counts)}) countApiRequest(region, method, path);
writeApiRequests(${JSON.stringify(runDir)}, apiRequestsOfThisProcess(), ${final});
`;

test('the counts of the walk and its workers are summed from the run folder; a process without its final write makes them partial', () => {
  const runDir = tempDir('sw-api-run-');
  const run = (counts: [string, string, string][], final: boolean) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROCESS(runDir, counts, final)], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  assert.equal(readApiRequests(runDir, ['fsn', 'hel']), undefined, 'nothing recorded: no counts, not zeros');
  // The walk: preflight and readiness in both regions.
  run([['fsn', 'GET', '/version'], ['hel', 'GET', '/version'], ['fsn', 'GET', '/api/v1/pods'], ['fsn', 'GET', '/api/v1/pods?watch=true']], true);
  // A DoD worker, then its replacement after a failed test, on the same paths.
  run([['fsn', 'GET', '/api/v1/pods'], ['hel', 'GET', '/api/v1/namespaces/ns/pods/p/exec?command=id']], true);
  run([['fsn', 'GET', '/api/v1/pods']], true);
  let sum = readApiRequests(runDir, ['fsn', 'hel', 'nbg']);
  assert.ok(sum);
  assert.equal(sum.partial, 0);
  assert.deepEqual(sum.regions, [
    { region: 'fsn', total: 5, requests: [{ verb: 'LIST', resource: 'pods', count: 3 }, { verb: 'GET', resource: '/version', count: 1 }, { verb: 'WATCH', resource: 'pods', count: 1 }] },
    { region: 'hel', total: 2, requests: [{ verb: 'CONNECT', resource: 'pods/exec', count: 1 }, { verb: 'GET', resource: '/version', count: 1 }] },
    { region: 'nbg', total: 0, requests: [] },
  ]);
  run([['hel', 'GET', '/api/v1/nodes']], false);
  sum = readApiRequests(runDir, ['fsn', 'hel']);
  assert.equal(sum?.partial, 1, 'a process that did not write its final counts is named');
  assert.equal(sum?.regions.find((r) => r.region === 'hel')?.total, 3, 'its counts so far still add up');
});
