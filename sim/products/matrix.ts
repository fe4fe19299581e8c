// Source: element-hq/synapse synapse/rest/client/versions.py (GET /_matrix/client/versions →
// {versions, unstable_features}), synapse/http/server.py (unknown /_matrix paths → 404
// M_UNRECOGNIZED), synapse/rest/health.py (GET /health → "OK") and Twisted's NoResource page for
// paths outside any resource. Synapse opens its listeners only after connecting to its database.
import { html, isRead, json, pathOf, redirect, text } from './answers.js';
import type { ProductAnswer, ProductModel, ProductRequest } from './types.js';

const VERSIONS = ['r0.0.1', 'r0.1.0', 'r0.2.0', 'r0.3.0', 'r0.4.0', 'r0.5.0', 'r0.6.0', 'r0.6.1', 'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'v1.12'];
const UNSTABLE = {
  'org.matrix.label_based_filtering': true,
  'org.matrix.e2e_cross_signing': true,
  'org.matrix.msc2432': true,
  'uk.half-shot.msc2666.query_mutual_rooms': false,
  'io.element.e2ee_forced.public': false,
  'io.element.e2ee_forced.private': false,
  'io.element.e2ee_forced.trusted_private': false,
  'org.matrix.msc3026.busy_presence': false,
  'org.matrix.msc2285.stable': true,
  'org.matrix.msc3827.stable': true,
  'org.matrix.msc3440.stable': true,
  'org.matrix.msc3771': true,
  'org.matrix.msc3773': false,
  'fi.mau.msc2815': false,
  'fi.mau.msc2659.stable': true,
  'org.matrix.msc3882': false,
  'org.matrix.msc3881': false,
  'org.matrix.msc3874': false,
  'org.matrix.msc3886': false,
  'org.matrix.msc3912': false,
  'org.matrix.msc3981': true,
  'org.matrix.msc3391': false,
  'org.matrix.msc4069': false,
  'org.matrix.msc4028': false,
  'org.matrix.msc4108': false,
};

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS', 'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization, Date' };

function handle(req: ProductRequest): ProductAnswer {
  const path = pathOf(req);
  if (path === '/_matrix/client/versions' && isRead(req)) return json(200, { versions: VERSIONS, unstable_features: UNSTABLE }, CORS);
  if (path.startsWith('/_matrix/')) return json(404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }, CORS);
  if (path === '/health') return text(200, 'OK', { 'content-type': 'text/plain' });
  if (path === '/') return redirect(302, '/_matrix/static/');
  return html(404, '\n<html>\n  <head><title>404 - No Such Resource</title></head>\n  <body>\n    <h1>No Such Resource</h1>\n    <p>No such child resource.</p>\n  </body>\n</html>\n');
}

export const matrix: ProductModel = {
  product: 'matrix-synapse',
  component: 'matrix',
  ports: [8008],
  listensWhileNotReady: false,
  initialState: () => ({ ready: true }),
  handle,
};
