// Source: docs.anthropic.com "List Models" (GET /v1/models → {data: [{type: "model", id, display_name,
// created_at}], has_more, first_id, last_id}) and its error shape {type: "error", error: {type,
// message}}; the adapter forwards to api.anthropic.com with the Sovereign's OAuth token
// (openova-io/openova platform/anthropic-adapter/chart/values.yaml: port 8000, probes /healthz and
// /readyz, default models claude-3-5-sonnet/haiku-20241022). The adapter's source is not public: its
// /healthz and /readyz bodies are assumed to be the Catalyst Go-service template's plain "ok".
import { goNotFound, isRead, json, pathOf, text } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

const MODELS = [
  { type: 'model', id: 'claude-3-5-sonnet-20241022', display_name: 'Claude 3.5 Sonnet (New)', created_at: '2024-10-22T00:00:00Z' },
  { type: 'model', id: 'claude-3-5-haiku-20241022', display_name: 'Claude 3.5 Haiku', created_at: '2024-10-22T00:00:00Z' },
];

/** `ready: false` is the OAuth token missing or rejected: Anthropic's 401 comes back through the adapter. */
function handle(req: ProductRequest, ctx: ProductContext): ProductAnswer {
  const path = pathOf(req);
  if (path === '/healthz') return text(200, 'ok', { 'content-type': 'text/plain' });
  if (path === '/readyz') return ctx.state.ready ? text(200, 'ok', { 'content-type': 'text/plain' }) : text(503, 'not ready', { 'content-type': 'text/plain' });
  if (path === '/v1/models' && isRead(req)) {
    if (!ctx.state.ready) return json(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    return json(200, { data: MODELS, has_more: false, first_id: MODELS[0].id, last_id: MODELS[MODELS.length - 1].id });
  }
  return goNotFound();
}

export const anthropicAdapter: ProductModel = {
  product: 'anthropic-adapter',
  component: 'anthropic-adapter',
  ports: [8000],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle,
};
