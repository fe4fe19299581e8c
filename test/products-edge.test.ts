import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { PRODUCTS, productFor } from '../sim/products/catalog.js';
import { coraza } from '../sim/products/coraza.js';
import { productListener } from '../sim/products/http.js';
import { temporalFrontend } from '../sim/products/temporal.js';
import type { ProductAnswer, ProductContext, ProductRequest } from '../sim/products/types.js';

const backend = (): Promise<ProductAnswer> => Promise.resolve({ status: 200, headers: { 'content-type': 'text/html' }, body: '<h1>storefront</h1>' });

function throughWaf(path: string, headers: Record<string, string> = {}, opts: { ready?: boolean; upstream?: ProductContext['upstream']; body?: string } = {}): Promise<ProductAnswer> {
  const req: ProductRequest = { method: opts.body ? 'POST' : 'GET', path, headers, body: Buffer.from(opts.body ?? '') };
  return Promise.resolve(coraza.handle(req, { sovereign: 'sim.sovereign-walk.test', namespace: 'coraza', pod: 'coraza-0', port: 9000, state: { ready: opts.ready ?? true }, upstream: 'upstream' in opts ? opts.upstream : backend }));
}

describe('coraza (CRS paranoia level 1, rule 942100)', () => {
  it('blocks SQL injection where 942100 looks: query args, form body, cookies, User-Agent, Referer', async () => {
    for (const [path, headers, body] of [
      ["/?id=1'%20OR%201=1%20--", {}, undefined],
      ['/search?q=x%27%20UNION%20SELECT%20password%20FROM%20users', {}, undefined],
      ['/login', { 'content-type': 'application/x-www-form-urlencoded' }, "user=admin'--&pass=x"],
      ['/', { cookie: "session=1' OR 1=1 --" }, undefined],
      ['/', { 'user-agent': "1' OR 1=1 --" }, undefined],
      ['/', { referer: "https://x/?a=1' OR '1'='1" }, undefined],
    ] as const) {
      const a = await throughWaf(path, headers, { body });
      assert.equal(a.status, 403, `${path} ${JSON.stringify(headers)}`);
      assert.match(a.body.toString(), /Request forbidden by administrative rules/);
      assert.equal(a.headers['waf-block'], 'request');
    }
  });

  it('passes clean requests, and an injection in a header 942100 does not inspect, to the backend', async () => {
    assert.equal((await throughWaf('/?q=shoes')).status, 200);
    const custom = await throughWaf('/', { 'x-test-waf': "1' OR 1=1 --" });
    assert.deepEqual([custom.status, custom.body.toString()], [200, '<h1>storefront</h1>']);
  });

  it('answers HAProxy\'s 504 when the agent is down and 503 without a backend', async () => {
    assert.equal((await throughWaf('/', {}, { ready: false })).status, 504);
    assert.equal((await throughWaf('/', {}, { upstream: undefined })).status, 503);
  });
});

describe('temporal frontend model', () => {
  it('answers gRPC method paths with grpc-status and JSON messages over HTTP', async () => {
    const server = createServer(productListener(temporalFrontend, { sovereign: 's', namespace: 'temporal', pod: 'temporal-frontend-0', state: { ready: true } }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const rpc = (path: string) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/grpc+json' }, body: '{}' });
      const health = await rpc('/grpc.health.v1.Health/Check');
      assert.deepEqual([health.headers.get('grpc-status'), await health.json()], ['0', { status: 'SERVING' }]);
      const sa = (await (await rpc('/temporal.api.workflowservice.v1.WorkflowService/GetSearchAttributes')).json()) as { keys: Record<string, string> };
      assert.equal(sa.keys.WorkflowId, 'INDEXED_VALUE_TYPE_KEYWORD');
      assert.equal(sa.keys.CloseTime, 'INDEXED_VALUE_TYPE_DATETIME');
      assert.equal((await rpc('/temporal.api.workflowservice.v1.WorkflowService/Nope')).headers.get('grpc-status'), '12');
      assert.equal((await fetch(`${base}/`)).status, 405);
    } finally {
      server.close();
    }
  });
});

describe('catalog', () => {
  it('finds a model per component, and per workload where a component has several', () => {
    assert.equal(productFor('openbao')?.product, 'openbao');
    assert.equal(productFor('catalyst-platform', 'catalyst-api')?.product, 'catalyst-api');
    assert.equal(productFor('catalyst-platform', 'catalyst-ui')?.product, 'catalyst-console');
    assert.equal(productFor('catalyst-platform', 'marketplace')?.product, 'catalyst-marketplace');
    assert.equal(productFor('harbor', 'bp-harbor-core')?.product, 'harbor-core');
    assert.equal(productFor('harbor', 'bp-harbor-jobservice'), undefined);
    assert.equal(productFor('temporal', 'temporal-history'), undefined);
    assert.equal(productFor('cilium'), undefined);
  });

  it('product names are unique and every model serves at least one port', () => {
    assert.equal(new Set(PRODUCTS.map((m) => m.product)).size, PRODUCTS.length);
    for (const m of PRODUCTS) assert.ok(m.ports.length > 0, m.product);
  });
});
