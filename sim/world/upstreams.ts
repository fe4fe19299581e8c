/**
 * The next hop of each proxying product, as its real deployment wires it: the console's nginx sends
 * `/api/` to catalyst-api's Service and renders the rest from the SPA (the journeys' pages, in this
 * world); catalyst-api, the marketplace, Harbor's core (the registry's data) and the WAF hand what
 * they do not answer themselves to the world's backends.
 */
import type { ProductAnswer, ProductRequest } from '../products/types.js';
import { forwardHttp, type Backends } from '../web/backends.js';
import type { ClusterDns } from './cluster-dns.js';

type Upstream = (req: ProductRequest) => Promise<ProductAnswer>;

const SERVICE_UNAVAILABLE: ProductAnswer = { status: 502, headers: { 'content-type': 'text/html', server: 'nginx' }, body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n' };

export function upstreams(backends: Backends, dns: ClusterDns): (component: string, product: string) => Upstream | undefined {
  return (_component, product) => {
    switch (product) {
      case 'catalyst-console':
        return async (req) => {
          if (!req.path.startsWith('/api/')) return backends.forward(req);
          const api = dns.resolve('catalyst-api.catalyst-system.svc', 8080);
          return api ? forwardHttp(api.address, api.port, req) : SERVICE_UNAVAILABLE;
        };
      case 'catalyst-api':
      case 'catalyst-marketplace':
      case 'harbor-core':
      case 'coraza':
        return (req) => backends.forward(req);
      default:
        return undefined;
    }
  };
}
