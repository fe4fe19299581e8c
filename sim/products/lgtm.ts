// Source: the /ready handlers of grafana/loki (pkg/loki/loki.go), grafana/mimir (pkg/mimir/mimir.go)
// and grafana/tempo (cmd/tempo/app/app.go): `http.Error(w, "ready", 200)` once every module runs,
// else 503 with the reason (the ingester's 15 s settle after joining the ring, or the modules not yet
// Running). Any other path is gorilla/mux's 404.
import { goError, goNotFound, pathOf } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

function readyModel(product: string, port: number, notReady: string): ProductModel {
  return {
    product,
    component: product,
    ports: [port],
    listensWhileNotReady: true,
    initialState: () => ({ ready: true }),
    handle: (req: ProductRequest, ctx: ProductContext): ProductAnswer => {
      if (pathOf(req) !== '/ready') return goNotFound();
      return ctx.state.ready ? goError(200, 'ready') : goError(503, notReady);
    },
  };
}

export const loki = readyModel('loki', 3100, 'Ingester not ready: waiting for 15s after being ready');
export const mimir = readyModel('mimir', 8080, 'Some services are not Running:\nStarting: 1\nRunning: 14');
export const tempo = readyModel('tempo', 3200, 'Ingester not ready: ingester check ready failed: waiting for 15s after being ready');
