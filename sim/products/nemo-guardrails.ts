// Source: NVIDIA/NeMo-Guardrails nemoguardrails/server/api.py (FastAPI: GET /v1/rails/configs, POST
// /v1/chat/completions, GET /v1/challenges, and with --disable-chat-ui GET / → {"status": "ok"}; no
// /v1/health route, so FastAPI's 404). bp-nemo-guardrails serves the chart's stub `default` config on
// 8000 with no LLM wired (openova-io/openova platform/nemo-guardrails/chart/values.yaml), so a chat
// completion ends in the server's "Internal server error." message.
import { fastApiMethodNotAllowed, fastApiNotFound, json, pathOf } from './answers.js';
import type { ProductAnswer, ProductModel, ProductRequest } from './types.js';

const CONFIGS = ['default'];

const ROUTES: Record<string, { method: string; answer: (req: ProductRequest) => ProductAnswer }> = {
  '/': { method: 'GET', answer: () => json(200, { status: 'ok' }) },
  '/v1/rails/configs': { method: 'GET', answer: () => json(200, CONFIGS.map((id) => ({ id }))) },
  '/v1/challenges': { method: 'GET', answer: () => json(200, []) },
  '/v1/chat/completions': { method: 'POST', answer: chat },
};

function chat(req: ProductRequest): ProductAnswer {
  let body: { config_id?: unknown };
  try {
    body = JSON.parse(req.body.toString('utf8')) as { config_id?: unknown };
  } catch {
    return json(422, { detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }] });
  }
  if (typeof body?.config_id !== 'string') return json(422, { detail: [{ type: 'missing', loc: ['body', 'config_id'], msg: 'Field required', input: body }] });
  const content = CONFIGS.includes(body.config_id) ? 'Internal server error.' : `Could not load the ${body.config_id} guardrails configuration: Invalid config path /config/${body.config_id}.`;
  return json(200, { messages: [{ role: 'assistant', content }] });
}

function handle(req: ProductRequest): ProductAnswer {
  const route = ROUTES[pathOf(req)];
  if (!route) return fastApiNotFound();
  if (req.method !== route.method && !(route.method === 'GET' && req.method === 'HEAD')) return fastApiMethodNotAllowed(route.method);
  return route.answer(req);
}

export const nemoGuardrails: ProductModel = {
  product: 'nemo-guardrails',
  component: 'nemo-guardrails',
  ports: [8000],
  listensWhileNotReady: false,
  initialState: () => ({ ready: true }),
  handle,
};
