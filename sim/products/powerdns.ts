// Source: PowerDNS/pdns pdns/webserver.cc and ws-api.cc (Authoritative's built-in web server on 8081:
// `/` is the statistics page, /api/* needs the X-API-Key header and otherwise answers 401 with an
// `X-API-Key realm="PowerDNS"` challenge, GET /api/v1/servers lists the one server "localhost").
// pdns.<sov> routes to this API (the DoD table probes /api/v1/servers there), not to PowerDNS-Admin.
import { header, html, json, pathOf, text } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest, ProductState } from './types.js';

export interface PowerDnsState extends ProductState {
  /** api-key from the powerdns-api-credentials Secret. */
  apiKey: string;
}

const VERSION = '4.9.2';

function api(path: string, req: ProductRequest, state: PowerDnsState): ProductAnswer {
  if (header(req, 'x-api-key') !== state.apiKey) return json(401, { error: 'Unauthorized' }, { 'www-authenticate': 'X-API-Key realm="PowerDNS"' });
  if (path === '/api/v1/servers') return json(200, [{ type: 'Server', id: 'localhost', daemon_type: 'authoritative', version: VERSION, url: '/api/v1/servers/localhost', config_url: '/api/v1/servers/localhost/config{/config_setting}', zones_url: '/api/v1/servers/localhost/zones{/zone}', autoprimaries_url: '/api/v1/servers/localhost/autoprimaries{/autoprimary}' }]);
  return json(404, { error: 'Not Found' });
}

function handle(req: ProductRequest, ctx: ProductContext<PowerDnsState>): ProductAnswer {
  const path = pathOf(req);
  if (path.startsWith('/api')) return api(path, req, ctx.state);
  if (path === '/') return html(200, `<!DOCTYPE html>\n<html><head><title>PowerDNS Authoritative Server Monitor</title></head><body><h1>PowerDNS Authoritative Server ${VERSION}</h1></body></html>\n`);
  return text(404, 'Not Found');
}

export const powerdns: ProductModel<PowerDnsState> = {
  product: 'powerdns',
  component: 'powerdns',
  ports: [8081],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true, apiKey: 'sovereign-walk-pdns-key' }),
  handle,
};
