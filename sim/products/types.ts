/**
 * A product model answers on a pod's IP and container port the way the real product answers there:
 * its routes, status codes, the headers that matter and its body shapes. kwok runs no containers, so
 * the pod runtime binds one listener per (pod, port) and hands every request to the model. A model
 * never reads the bootstrap kit: a kit check that no real product satisfies must fail here too.
 */

export interface ProductRequest {
  method: string;
  /** Path with its query string, as on the request line. */
  path: string;
  /** Lower-cased names, as Node's IncomingMessage gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface ProductAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** Every model's state has `ready`; products with richer states (OpenBao's seal) add fields. */
export interface ProductState {
  /**
   * False while the product runs but cannot serve: warming up, or a dependency (database, cache,
   * upstream) is down. The model then answers as the real product does in that state.
   */
  ready: boolean;
}

export interface PodIdentity {
  /** The Sovereign FQDN, e.g. `sim.sovereign-walk.test`. */
  sovereign: string;
  namespace: string;
  pod: string;
}

export interface ProductContext<S extends ProductState = ProductState> extends PodIdentity {
  /** The container port the request arrived on (products answer differently per port). */
  port: number;
  /** This pod's instance state: created by `initialState`, flipped by the runtime's faults. */
  state: S;
  /** The next hop of a proxying product (the WAF's backend, the console's `/api/` upstream). */
  upstream?: (req: ProductRequest) => Promise<ProductAnswer>;
}

export interface ProductModel<S extends ProductState = ProductState> {
  /** Unique model name, e.g. `openbao`, `catalyst-api`. */
  product: string;
  /** The kit component it belongs to: the slot name without `bp-` (`catalyst-platform`). */
  component: string;
  /** Which of the component's workloads (owner Deployment/StatefulSet name) this model serves; absent = all. */
  workload?: RegExp;
  /** Container ports it serves. */
  ports: number[];
  /** Served over TLS with a certificate for its Services' names (webhooks), from the cluster's CA. */
  tls?: boolean;
  /**
   * Whether the real product listens while not ready. False for servers that only bind once
   * started (LibreChat after MongoDB, TEI after loading the model): the runtime keeps those
   * ports closed, so clients see connection refused as they would.
   */
  listensWhileNotReady: boolean;
  initialState(): S;
  handle(req: ProductRequest, ctx: ProductContext<S>): ProductAnswer | Promise<ProductAnswer>;
}
