// Source: livekit/livekit pkg/service/server.go: `/` is the health check (200 "OK", or 406 "Not
// Ready\nNode Updated At <time>" once the node's stats are more than 4 s stale) and every other
// unrouted path is http.NotFound.
import { answer, goNotFound, pathOf } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

/** Go's time.Time.String() of the zero Unix time a node without stats reports. */
const NEVER = '1970-01-01 00:00:00 +0000 UTC';

function handle(req: ProductRequest, ctx: ProductContext): ProductAnswer {
  if (pathOf(req) !== '/') return goNotFound();
  // No Content-Type is set, so Go sniffs the body.
  if (!ctx.state.ready) return answer(406, 'text/plain; charset=utf-8', `Not Ready\nNode Updated At ${NEVER}`);
  return answer(200, 'text/plain; charset=utf-8', 'OK');
}

export const livekit: ProductModel = {
  product: 'livekit',
  component: 'livekit',
  ports: [7880],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle,
};
