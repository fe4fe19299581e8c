/** Binds a product model to Node's HTTP server: what the pod runtime listens with on a pod's IP and port. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProductContext, ProductModel, ProductRequest, ProductState } from './types.js';

async function readRequest(req: IncomingMessage): Promise<ProductRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
}

/** A request listener for one pod of `model`; the port is the one the request arrived on. */
export function productListener<S extends ProductState>(model: ProductModel<S>, pod: Omit<ProductContext<S>, 'port'>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const request = await readRequest(req);
      const answer = await model.handle(request, { ...pod, port: req.socket.localPort ?? 0 });
      const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
      res.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) });
      res.end(body);
    })().catch((err: unknown) => {
      // A model bug, not a product answer: say so loudly instead of imitating a product error.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`product model ${model.product} failed: ${(err as Error).stack ?? String(err)}\n`);
    });
  };
}
