// Source: Keycloak (Quarkus) server docs "Configuring the hostname" / "Enabling health checks" (OIDC
// discovery under /realms/<realm>, MicroProfile Health on the management port 9000) and the
// RESTEasy Reactive 404 body reported in keycloak/keycloak#31168 and #36210.
import { html, isRead, json, pathOf, redirect } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

/** The realms a Sovereign's Keycloak holds: the bootstrap admin realm and the Sovereign's own. */
const REALMS = ['master', 'sovereign'];

const NO_RESOURCE_METHOD = { error: 'Unable to find matching target resource method', error_description: 'For more on this error consult the server log.' };

function discovery(issuer: string): Record<string, unknown> {
  const oidc = `${issuer}/protocol/openid-connect`;
  return {
    issuer,
    authorization_endpoint: `${oidc}/auth`,
    token_endpoint: `${oidc}/token`,
    introspection_endpoint: `${oidc}/token/introspect`,
    userinfo_endpoint: `${oidc}/userinfo`,
    end_session_endpoint: `${oidc}/logout`,
    frontchannel_logout_session_supported: true,
    frontchannel_logout_supported: true,
    jwks_uri: `${oidc}/certs`,
    check_session_iframe: `${oidc}/login-status-iframe.html`,
    grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'password', 'client_credentials', 'urn:openid:params:grant-type:ciba', 'urn:ietf:params:oauth:grant-type:device_code'],
    response_types_supported: ['code', 'none', 'id_token', 'token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['PS384', 'RS384', 'EdDSA', 'ES384', 'HS256', 'HS512', 'ES256', 'RS256', 'HS384', 'ES512', 'PS256', 'PS512', 'RS512'],
    scopes_supported: ['openid', 'profile', 'email', 'roles', 'web-origins', 'acr', 'basic', 'address', 'phone', 'offline_access', 'microprofile-jwt', 'organization'],
    claims_supported: ['aud', 'sub', 'iss', 'auth_time', 'name', 'given_name', 'family_name', 'preferred_username', 'email', 'acr'],
    code_challenge_methods_supported: ['plain', 'S256'],
    revocation_endpoint: `${oidc}/revoke`,
    device_authorization_endpoint: `${oidc}/auth/device`,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    pushed_authorization_request_endpoint: `${oidc}/ext/par/request`,
  };
}

function management(path: string, ready: boolean): ProductAnswer {
  const db = { name: 'Keycloak database connections async health check', status: ready ? 'UP' : 'DOWN' };
  if (path === '/health/live' || path === '/health/started') return json(200, { status: 'UP', checks: [] });
  if (path === '/health/ready' || path === '/health') return json(ready ? 200 : 503, { status: ready ? 'UP' : 'DOWN', checks: [db] });
  return { status: 404, headers: {}, body: '' };
}

function handle(req: ProductRequest, ctx: ProductContext): ProductAnswer {
  const path = pathOf(req);
  if (ctx.port === 9000) return management(path, ctx.state.ready);
  const base = `https://auth.${ctx.sovereign}`;
  const wellKnown = /^\/realms\/([^/]+)\/\.well-known\/openid-configuration$/.exec(path);
  if (wellKnown) {
    if (!isRead(req)) return json(405, { error: 'HTTP 405 Method Not Allowed' });
    // Realm lookups go to the database; with it down every one fails the same way.
    if (!ctx.state.ready) return json(500, { error: 'unknown_error' });
    const realm = decodeURIComponent(wellKnown[1]);
    if (!REALMS.includes(realm)) return json(404, { error: 'Realm does not exist' });
    return json(200, discovery(`${base}/realms/${realm}`));
  }
  if (path === '/') return redirect(302, `${base}/admin/`);
  if (path === '/admin/') return redirect(302, `${base}/admin/master/console/`);
  if (path === '/admin/master/console/') return html(200, '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Keycloak Administration Console</title></head><body><div id="app"></div></body></html>\n');
  return json(404, NO_RESOURCE_METHOD);
}

export const keycloak: ProductModel = {
  product: 'keycloak',
  component: 'keycloak',
  ports: [8080, 9000],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle,
};
