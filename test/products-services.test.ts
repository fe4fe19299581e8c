import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anthropicAdapter } from '../sim/products/anthropic-adapter.js';
import { bge } from '../sim/products/bge.js';
import { grafana } from '../sim/products/grafana.js';
import { langfuse } from '../sim/products/langfuse.js';
import { loki, mimir, tempo } from '../sim/products/lgtm.js';
import { librechat } from '../sim/products/librechat.js';
import { livekit } from '../sim/products/livekit.js';
import { llmGateway } from '../sim/products/llm-gateway.js';
import { matrix } from '../sim/products/matrix.js';
import { nemoGuardrails } from '../sim/products/nemo-guardrails.js';
import { openmeter } from '../sim/products/openmeter.js';
import type { ProductAnswer, ProductModel, ProductRequest, ProductState } from '../sim/products/types.js';

interface Ask<S extends ProductState> {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  port?: number;
  state?: Partial<S>;
}

async function ask<S extends ProductState>(model: ProductModel<S>, path: string, opts: Ask<S> = {}): Promise<ProductAnswer> {
  const req: ProductRequest = { method: opts.method ?? 'GET', path, headers: opts.headers ?? {}, body: Buffer.from(opts.body ?? '') };
  const state = { ...model.initialState(), ...opts.state } as S;
  return model.handle(req, { sovereign: 'sim.sovereign-walk.test', namespace: 'ns', pod: `${model.product}-0`, port: opts.port ?? model.ports[0], state });
}

const bodyOf = (a: ProductAnswer): string => a.body.toString();
const jsonOf = (a: ProductAnswer): unknown => JSON.parse(bodyOf(a));
const post = (body: unknown): Ask<ProductState> => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('loki, mimir, tempo', () => {
  for (const [model, notReady] of [
    [loki, 'Ingester not ready: waiting for 15s after being ready\n'],
    [mimir, 'Some services are not Running:\nStarting: 1\nRunning: 14\n'],
    [tempo, 'Ingester not ready: ingester check ready failed: waiting for 15s after being ready\n'],
  ] as const) {
    it(`${model.product} /ready: "ready" or 503 with the reason; other paths 404`, async () => {
      const ok = await ask(model, '/ready');
      assert.deepEqual([ok.status, bodyOf(ok)], [200, 'ready\n']);
      const down = await ask(model, '/ready', { state: { ready: false } });
      assert.deepEqual([down.status, bodyOf(down)], [503, notReady]);
      assert.deepEqual([(await ask(model, '/nope')).status, bodyOf(await ask(model, '/nope'))], [404, '404 page not found\n']);
    });
  }
});

describe('grafana', () => {
  it('/api/health: database ok, or failing with 503; API 404 JSON; / → /login', async () => {
    assert.deepEqual(Object.keys(jsonOf(await ask(grafana, '/api/health')) as object), ['commit', 'database', 'version']);
    assert.equal((jsonOf(await ask(grafana, '/api/health')) as { database: string }).database, 'ok');
    const down = await ask(grafana, '/api/health', { state: { ready: false } });
    assert.deepEqual([down.status, (jsonOf(down) as { database: string }).database], [503, 'failing']);
    assert.deepEqual(jsonOf(await ask(grafana, '/api/nope')), { message: 'Not found' });
    assert.equal((await ask(grafana, '/')).headers.location, '/login');
    assert.equal((await ask(grafana, '/nope')).status, 404);
  });
});

describe('langfuse', () => {
  it('/api/public/health: OK, or 503 "Database not available"; other paths the Next.js 404', async () => {
    assert.equal((jsonOf(await ask(langfuse, '/api/public/health')) as { status: string }).status, 'OK');
    const down = await ask(langfuse, '/api/public/health', { state: { ready: false } });
    assert.deepEqual([down.status, (jsonOf(down) as { status: string }).status], [503, 'Database not available']);
    assert.equal((await ask(langfuse, '/api/public/nope')).status, 404);
  });
});

describe('llm-gateway (LiteLLM)', () => {
  const key = llmGateway.initialState().masterKey;

  it('/health needs a key, and with one reports endpoints, never a status field', async () => {
    const anonymous = await ask(llmGateway, '/health');
    assert.equal(anonymous.status, 401);
    assert.equal((jsonOf(anonymous) as { error: { type: string } }).error.type, 'auth_error');
    assert.equal((await ask(llmGateway, '/health', { headers: { authorization: 'Bearer wrong' } })).status, 401);
    const authed = jsonOf(await ask(llmGateway, '/health', { headers: { authorization: `Bearer ${key}` } })) as Record<string, unknown>;
    assert.deepEqual(Object.keys(authed).sort(), ['healthy_count', 'healthy_endpoints', 'unhealthy_count', 'unhealthy_endpoints']);
  });

  it('liveliness and readiness are public; readiness is 503 with the database down; unknown path 404', async () => {
    assert.deepEqual(jsonOf(await ask(llmGateway, '/health/liveliness')), "I'm alive!");
    const ready = jsonOf(await ask(llmGateway, '/health/readiness')) as Record<string, unknown>;
    assert.deepEqual([ready.status, ready.db], ['healthy', 'connected']);
    const down = await ask(llmGateway, '/health/readiness', { state: { ready: false } });
    assert.equal(down.status, 503);
    assert.match((jsonOf(down) as { detail: string }).detail, /^Service Unhealthy/);
    assert.deepEqual(jsonOf(await ask(llmGateway, '/nope')), { detail: 'Not Found' });
  });
});

describe('anthropic-adapter', () => {
  it('/v1/models has Anthropic\'s list shape; a rejected token is Anthropic\'s 401', async () => {
    const list = jsonOf(await ask(anthropicAdapter, '/v1/models')) as { data: { type: string; id: string }[]; has_more: boolean; first_id: string };
    assert.equal(list.data[0].type, 'model');
    assert.equal(list.first_id, list.data[0].id);
    assert.equal(list.has_more, false);
    const denied = await ask(anthropicAdapter, '/v1/models', { state: { ready: false } });
    assert.equal(denied.status, 401);
    assert.equal((jsonOf(denied) as { error: { type: string } }).error.type, 'authentication_error');
    assert.equal((await ask(anthropicAdapter, '/nope')).status, 404);
  });
});

describe('bge (text-embeddings-inference)', () => {
  it('POST /embed {inputs} is a JSON array of 384-float unit vectors, stable per text', async () => {
    const a = await ask(bge, '/embed', post({ inputs: ['hello', 'world'] }));
    assert.equal(a.status, 200);
    const vectors = jsonOf(a) as number[][];
    assert.equal(vectors.length, 2);
    assert.equal(vectors[0].length, 384);
    assert.ok(Math.abs(Math.hypot(...vectors[0]) - 1) < 1e-6);
    assert.deepEqual((jsonOf(await ask(bge, '/embed', post({ inputs: 'hello' }))) as number[][])[0], vectors[0]);
  });

  it('the wrong field is axum\'s 422 text; no JSON content type is 415; OpenAI route; health 503 when the backend fails', async () => {
    const wrong = await ask(bge, '/embed', post({ texts: ['hello'] }));
    assert.deepEqual([wrong.status, bodyOf(wrong)], [422, 'Failed to deserialize the JSON body into the target type: missing field `inputs` at line 1 column 19']);
    assert.equal((await ask(bge, '/embed', { method: 'POST', body: '{"inputs":"x"}' })).status, 415);
    assert.equal((await ask(bge, '/embed')).status, 405);
    const openai = jsonOf(await ask(bge, '/v1/embeddings', post({ input: 'hello', model: 'bge' }))) as { data: { embedding: number[] }[] };
    assert.equal(openai.data[0].embedding.length, 384);
    assert.equal((await ask(bge, '/health')).status, 200);
    const down = await ask(bge, '/health', { state: { ready: false } });
    assert.deepEqual([down.status, jsonOf(down)], [503, { error: 'unhealthy', error_type: 'unhealthy' }]);
    assert.equal((await ask(bge, '/nope')).status, 404);
  });
});

describe('nemo-guardrails', () => {
  it('/ is {"status":"ok"} with the chat UI off, configs list, no /v1/health', async () => {
    assert.deepEqual(jsonOf(await ask(nemoGuardrails, '/')), { status: 'ok' });
    assert.deepEqual(jsonOf(await ask(nemoGuardrails, '/v1/rails/configs')), [{ id: 'default' }]);
    const health = await ask(nemoGuardrails, '/v1/health');
    assert.deepEqual([health.status, jsonOf(health)], [404, { detail: 'Not Found' }]);
    assert.equal((await ask(nemoGuardrails, '/v1/rails/configs', { method: 'POST' })).status, 405);
    const chat = jsonOf(await ask(nemoGuardrails, '/v1/chat/completions', post({ config_id: 'default', messages: [{ role: 'user', content: 'hi' }] }))) as { messages: { content: string }[] };
    assert.equal(chat.messages[0].content, 'Internal server error.', 'no LLM is wired by default');
  });
});

describe('openmeter', () => {
  it('has no /api/v1/health; health lives on the telemetry port; nothing listens without ClickHouse', async () => {
    assert.equal((await ask(openmeter, '/api/v1/health')).status, 404);
    assert.equal((await ask(openmeter, '/api/v1/meters')).status, 200);
    assert.equal((await ask(openmeter, '/healthz/ready', { port: 10000 })).status, 200);
    assert.equal(openmeter.listensWhileNotReady, false);
  });
});

describe('livekit', () => {
  it('/ is the health check: "OK", or 406 Not Ready; other paths 404', async () => {
    const ok = await ask(livekit, '/');
    assert.deepEqual([ok.status, bodyOf(ok)], [200, 'OK']);
    const down = await ask(livekit, '/', { state: { ready: false } });
    assert.equal(down.status, 406);
    assert.match(bodyOf(down), /^Not Ready\nNode Updated At /);
    assert.equal((await ask(livekit, '/nope')).status, 404);
  });
});

describe('matrix (Synapse)', () => {
  it('client versions, M_UNRECOGNIZED for unknown API paths, /health OK', async () => {
    const v = jsonOf(await ask(matrix, '/_matrix/client/versions')) as { versions: string[]; unstable_features: object };
    assert.ok(v.versions.includes('v1.1'));
    assert.equal(typeof v.unstable_features, 'object');
    const unknown = await ask(matrix, '/_matrix/client/v3/nope');
    assert.deepEqual([unknown.status, jsonOf(unknown)], [404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }]);
    assert.equal(bodyOf(await ask(matrix, '/health')), 'OK');
    assert.equal((await ask(matrix, '/nope')).status, 404);
    assert.equal(matrix.listensWhileNotReady, false);
  });
});

describe('librechat', () => {
  it('/health is OK; /api/health and unknown paths are the SPA shell', async () => {
    const h = await ask(librechat, '/health');
    assert.deepEqual([h.status, bodyOf(h)], [200, 'OK']);
    const api = await ask(librechat, '/api/health');
    assert.equal(api.status, 200);
    assert.match(bodyOf(api), /<title>LibreChat<\/title>/);
    assert.ok(!bodyOf(api).includes('OK'));
  });
});
