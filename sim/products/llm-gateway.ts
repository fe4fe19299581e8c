// Source: BerriAI/litellm litellm/proxy/health_endpoints/_health_endpoints.py (GET /health needs a key
// and answers {healthy_endpoints, unhealthy_endpoints, healthy_count, unhealthy_count}; GET
// /health/readiness and /health/liveliness are public routes: {status: "healthy", db, ...} or 503
// "Service Unhealthy (...)", and the JSON string "I'm alive!") and the proxy's auth_error body.
// bp-llm-gateway is LiteLLM (openova-io/openova platform/llm-gateway/chart/values.yaml: litellm-helm
// 0.1.572, port 4000, one shipped `unconfigured-llm` model, audit DB on CNPG).
import { fastApiNotFound, header, isRead, json, pathOf } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest, ProductState } from './types.js';

/** `ready: false` is the audit database unreachable. */
export interface LiteLlmState extends ProductState {
  /** PROXY_MASTER_KEY from the bp-llm-gateway-bootstrap Secret. */
  masterKey: string;
}

const VERSION = '1.57.2';
const MODEL = { model_name: 'unconfigured-llm', model: 'openai/unconfigured', api_base: 'http://anthropic-adapter.ai-runtime.svc.cluster.local:8000/v1' };

const authError = (message: string): ProductAnswer => json(401, { error: { message, type: 'auth_error', param: 'None', code: '401' } });

/** The proxy's key check: `Authorization: Bearer <key>` (or the `x-litellm-api-key` header). */
function authorize(req: ProductRequest, state: LiteLlmState): ProductAnswer | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1] ?? header(req, 'x-litellm-api-key');
  if (!bearer) return authError('Authentication Error, No api key passed in.');
  if (bearer !== state.masterKey) return authError('Authentication Error, Invalid proxy server token passed.');
  return undefined;
}

function readiness(ready: boolean): ProductAnswer {
  if (!ready) return json(503, { detail: 'Service Unhealthy (Can\'t reach database server at `bp-llm-gateway-audit-rw`:`5432`)' });
  return json(200, { status: 'healthy', db: 'connected', cache: null, litellm_version: VERSION, success_callbacks: [] });
}

function handle(req: ProductRequest, ctx: ProductContext<LiteLlmState>): ProductAnswer {
  const path = pathOf(req);
  if (path === '/health/liveliness' || path === '/health/liveness') return isRead(req) ? json(200, "I'm alive!") : json(405, { detail: 'Method Not Allowed' });
  if (path === '/health/readiness') return readiness(ctx.state.ready);
  if (path === '/health' || path === '/v1/models' || path === '/models') {
    const denied = authorize(req, ctx.state);
    if (denied) return denied;
    if (path === '/health') {
      const unhealthy = [{ ...MODEL, error: 'litellm.AuthenticationError: AuthenticationError: OpenAIException - invalid api key' }];
      return json(200, { healthy_endpoints: [], unhealthy_endpoints: unhealthy, healthy_count: 0, unhealthy_count: unhealthy.length });
    }
    return json(200, { data: [{ id: MODEL.model_name, object: 'model', created: 1677610602, owned_by: 'openai' }], object: 'list' });
  }
  return fastApiNotFound();
}

export const llmGateway: ProductModel<LiteLlmState> = {
  product: 'llm-gateway',
  component: 'llm-gateway',
  ports: [4000],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true, masterKey: 'sk-sovereign-walk-master' }),
  handle,
};
