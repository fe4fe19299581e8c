/**
 * Scoped power-off: a fake Hetzner Cloud API on loopback holds the servers of two Sovereigns in
 * the same location. The kill touches only the servers the operator's selector names, and only
 * once they are exactly the region's nodes; the ledger records them and the heal powers on
 * exactly those. A selector that reaches another Sovereign's servers (the old `region=<name>`
 * default) or misses a node is refused before anything is powered off.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from './helpers/temp.js';
import { FaultLedger } from '../src/chaos/ledger.js';
import { redact } from '../src/evidence/redact.js';
import { hcloudPlan } from '../src/failover/actuators/hcloud.js';
import { killRegion, newKillId } from '../src/failover/actuators/index.js';
import type { KubeObject } from '../src/target/objects.js';

const REGION = 'hz-fsn-rtz-prod';
const TOKEN = 'hc-test-token-0123456789';

interface FakeServer {
  id: number;
  name: string;
  status: string;
  labels: Record<string, string>;
  public_net: { ipv4: { ip: string } };
}

const server = (id: number, name: string, labels: Record<string, string>, status = 'running'): FakeServer => ({ id, name, status, labels, public_net: { ipv4: { ip: `192.0.2.${id}` } } });

/** t38's fsn servers, t39's fsn servers (same location, same token), and t38's hel server. */
function fleet(): FakeServer[] {
  return [
    server(1, 't38-fsn-cp-1', { sovereign: 't38', region: REGION, role: 'cp' }),
    server(2, 't38-fsn-w-1', { sovereign: 't38', region: REGION, role: 'worker' }),
    server(3, 'worker-7f3a', { sovereign: 't38', region: REGION, role: 'worker' }),
    server(4, 't38-fsn-w-3', { sovereign: 't38', region: REGION, role: 'worker' }, 'off'),
    server(11, 't39-fsn-cp-1', { sovereign: 't39', region: REGION, role: 'cp' }),
    server(12, 't39-fsn-w-1', { sovereign: 't39', region: REGION, role: 'worker' }),
    server(21, 't38-hel-cp-1', { sovereign: 't38', region: 'hz-hel-rtz-prod', role: 'cp' }),
  ];
}

/** t38's fsn nodes as its API server reports them: one by provider id, one by name, one by address, one by name (off). */
const NODES: KubeObject[] = [
  { metadata: { name: 'fsn-cp-a' }, spec: { providerID: 'hcloud://1' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] } },
  { metadata: { name: 't38-fsn-w-1' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.3' }] } },
  { metadata: { name: 'fsn-w-2' }, status: { addresses: [{ type: 'ExternalIP', address: '192.0.2.3' }] } },
  { metadata: { name: 't38-fsn-w-3' }, status: { addresses: [] } },
];

const region = (nodes = NODES) => ({ name: REGION, list: async () => ({ items: nodes, resourceVersion: '1' }) }) as never;

/** Label selectors of the form `k=v,k2=v2`, paginated lists, power actions that finish after 50 ms. */
async function fakeHcloud(servers: FakeServer[]) {
  const calls: string[] = [];
  const actions = new Map<number, boolean>();
  let nextAction = 100;
  const send = (res: ServerResponse, code: number, body: unknown) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    calls.push(`${req.method} ${url.pathname}`);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(res, 401, { error: { code: 'unauthorized', message: 'unable to authenticate' } });
    if (req.method === 'GET' && url.pathname === '/v1/servers') {
      const want = (url.searchParams.get('label_selector') ?? '').split(',').map((kv) => kv.split('='));
      const matching = servers.filter((s) => want.every(([k, v]) => s.labels[k] === v));
      const page = Number(url.searchParams.get('page') ?? 1);
      const size = 2;
      return send(res, 200, { servers: matching.slice((page - 1) * size, page * size), meta: { pagination: { next_page: page * size < matching.length ? page + 1 : null } } });
    }
    const one = /^\/v1\/servers\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && one) return send(res, 200, { server: servers.find((s) => s.id === Number(one[1])) });
    const power = /^\/v1\/servers\/(\d+)\/actions\/(poweroff|poweron)$/.exec(url.pathname);
    if (req.method === 'POST' && power) {
      const s = servers.find((x) => x.id === Number(power[1]))!;
      const id = nextAction++;
      actions.set(id, false);
      setTimeout(() => {
        s.status = power[2] === 'poweroff' ? 'off' : 'running';
        actions.set(id, true);
      }, 50);
      return send(res, 201, { action: { id, status: 'running' } });
    }
    const action = /^\/v1\/actions\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && action) return send(res, 200, { action: { id: Number(action[1]), status: actions.get(Number(action[1])) ? 'success' : 'running' } });
    return send(res, 404, { error: { code: 'not_found', message: url.pathname } });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const env = { HCLOUD_TOKEN: TOKEN, HCLOUD_ENDPOINT: `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1` };
  return { env, calls, posts: () => calls.filter((c) => c.startsWith('POST')), close: () => new Promise<void>((resolve) => http.close(() => resolve())) };
}

const status = (servers: FakeServer[]) => Object.fromEntries(servers.map((s) => [s.name, s.status]));

test('the kill powers off only this Sovereign\'s servers of the region, records them in the ledger, and the heal powers on exactly those', async () => {
  const servers = fleet();
  const fake = await fakeHcloud(servers);
  try {
    const plan = await hcloudPlan(region(), { kind: 'hcloud', labelSelector: `sovereign=t38,region=${REGION}` }, { env: fake.env });
    assert.deepEqual(fake.posts(), [], 'planning lists, it never acts');
    const running = [{ id: 1, name: 't38-fsn-cp-1' }, { id: 2, name: 't38-fsn-w-1' }, { id: 3, name: 'worker-7f3a' }];
    assert.deepEqual(plan.revert, [{ kind: 'hcloud-power-on', servers: running }]);
    assert.match(plan.target, /t38-fsn-cp-1 \(1\), t38-fsn-w-1 \(2\), worker-7f3a \(3\)$/);
    const scope = plan.scope as { matched: { server: { name: string }; node: string; by: string }[] };
    assert.deepEqual(scope.matched.map((m) => `${m.server.name}=${m.node} by ${m.by}`), [
      't38-fsn-cp-1=fsn-cp-a by providerID hcloud://1',
      't38-fsn-w-1=t38-fsn-w-1 by name t38-fsn-w-1',
      'worker-7f3a=fsn-w-2 by address 192.0.2.3',
      't38-fsn-w-3=t38-fsn-w-3 by name t38-fsn-w-3',
    ]);

    const ledger = new FaultLedger('t38.omani.works', join(tempDir('sw-hcloud-'), 'ledger.jsonl'));
    const kill = await killRegion(plan, ledger, 'run-1', { regions: [], env: fake.env }, newKillId());
    assert.deepEqual(ledger.entries()[0].revert, plan.revert, 'the ledger records the servers');
    assert.deepEqual(status(servers), { 't38-fsn-cp-1': 'off', 't38-fsn-w-1': 'off', 'worker-7f3a': 'off', 't38-fsn-w-3': 'off', 't39-fsn-cp-1': 'running', 't39-fsn-w-1': 'running', 't38-hel-cp-1': 'running' });
    assert.deepEqual(fake.posts().sort(), ['POST /v1/servers/1/actions/poweroff', 'POST /v1/servers/2/actions/poweroff', 'POST /v1/servers/3/actions/poweroff']);
    assert.match(kill.outcome.detail, /^powered off t38-fsn-cp-1 \(1\), t38-fsn-w-1 \(2\), worker-7f3a \(3\)$/);

    await kill.fault.revert();
    assert.deepEqual(status(servers), { 't38-fsn-cp-1': 'running', 't38-fsn-w-1': 'running', 'worker-7f3a': 'running', 't38-fsn-w-3': 'off', 't39-fsn-cp-1': 'running', 't39-fsn-w-1': 'running', 't38-hel-cp-1': 'running' }, 'a server that was off before the kill stays off');
    assert.deepEqual(fake.posts().filter((c) => c.endsWith('poweron')).sort(), ['POST /v1/servers/1/actions/poweron', 'POST /v1/servers/2/actions/poweron', 'POST /v1/servers/3/actions/poweron']);
    assert.equal(ledger.open().length, 0);
  } finally {
    await fake.close();
  }
});

test('a selector that reaches another Sovereign\'s servers, or misses a node, is refused before anything is powered off', async () => {
  const servers = fleet();
  const fake = await fakeHcloud(servers);
  try {
    await assert.rejects(hcloudPlan(region(), { kind: 'hcloud', labelSelector: `region=${REGION}` }, { env: fake.env }), /refusing the hcloud kill of hz-fsn-rtz-prod: server\(s\) t39-fsn-cp-1 \(11\), t39-fsn-w-1 \(12\) matching region=hz-fsn-rtz-prod are not nodes of hz-fsn-rtz-prod/);
    await assert.rejects(hcloudPlan(region(), { kind: 'hcloud', labelSelector: `sovereign=t38,role=cp` }, { env: fake.env }), /t38-hel-cp-1 \(21\) .* are not nodes.*node\(s\) t38-fsn-w-1, fsn-w-2, t38-fsn-w-3 of hz-fsn-rtz-prod are not among the servers/);
    await assert.rejects(hcloudPlan(region(), { kind: 'hcloud', labelSelector: 'sovereign=t99' }, { env: fake.env }), /no Hetzner Cloud server matches sovereign=t99/);
    await assert.rejects(hcloudPlan(region([]), { kind: 'hcloud', labelSelector: 'sovereign=t38' }, { env: fake.env }), /lists no node/);
    await assert.rejects(hcloudPlan(region(), { kind: 'hcloud', labelSelector: 'sovereign=t38' }, { env: { ...fake.env, HCLOUD_TOKEN: 'wrong-token-9876543210' } }), (err: Error) => /HTTP 401/.test(err.message) && !redact(err.message).includes('wrong-token'));
    await assert.rejects(hcloudPlan(region(), { kind: 'hcloud', labelSelector: 'sovereign=t38' }, { env: {} }), /HCLOUD_TOKEN is not set/);
    assert.deepEqual(fake.posts(), [], 'nothing was powered off');
    assert.ok(servers.every((s) => s.status === (s.id === 4 ? 'off' : 'running')));
    assert.equal(redact(`token ${TOKEN}`), 'token [REDACTED]', 'the token is registered as a secret');
  } finally {
    await fake.close();
  }
});
