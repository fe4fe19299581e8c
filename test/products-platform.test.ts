import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalystApi } from '../sim/products/catalyst-api.js';
import { catalystConsole, catalystMarketplace } from '../sim/products/catalyst-web.js';
import { gitea } from '../sim/products/gitea.js';
import { harborCore, harborPortal } from '../sim/products/harbor.js';
import { keycloak } from '../sim/products/keycloak.js';
import { openbao } from '../sim/products/openbao.js';
import { powerdns } from '../sim/products/powerdns.js';
import { seaweedfs } from '../sim/products/seaweedfs.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest, ProductState } from '../sim/products/types.js';

const SOV = 'sim.sovereign-walk.test';

interface Ask<S extends ProductState> {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  port?: number;
  state?: Partial<S>;
  upstream?: ProductContext['upstream'];
}

async function ask<S extends ProductState>(model: ProductModel<S>, path: string, opts: Ask<S> = {}): Promise<ProductAnswer> {
  const req: ProductRequest = { method: opts.method ?? 'GET', path, headers: opts.headers ?? {}, body: Buffer.from(opts.body ?? '') };
  const state = { ...model.initialState(), ...opts.state } as S;
  return model.handle(req, { sovereign: SOV, namespace: 'ns', pod: `${model.product}-0`, port: opts.port ?? model.ports[0], state, upstream: opts.upstream });
}

const bodyOf = (a: ProductAnswer): string => a.body.toString();
const jsonOf = (a: ProductAnswer): Record<string, unknown> => JSON.parse(bodyOf(a)) as Record<string, unknown>;

describe('openbao', () => {
  it('an initialized, unsealed active node answers 200 with its cluster', async () => {
    const a = await ask(openbao, '/v1/sys/health');
    assert.equal(a.status, 200);
    const body = jsonOf(a);
    assert.equal(body.initialized, true);
    assert.equal(body.sealed, false);
    assert.equal(body.standby, false);
    assert.equal(body.replication_dr_mode, 'disabled');
    assert.equal(typeof body.cluster_id, 'string');
  });

  it('sealed is 503 with sealed:true and no cluster; uninitialized is 501; standby 429 unless standbyok', async () => {
    const sealed = await ask(openbao, '/v1/sys/health', { state: { ready: false } });
    assert.equal(sealed.status, 503);
    assert.equal(jsonOf(sealed).sealed, true);
    assert.equal(jsonOf(sealed).cluster_id, undefined);
    assert.equal((await ask(openbao, '/v1/sys/health', { state: { initialized: false } })).status, 501);
    assert.equal((await ask(openbao, '/v1/sys/health', { state: { standby: true } })).status, 429);
    assert.equal((await ask(openbao, '/v1/sys/health?standbyok=true', { state: { standby: true } })).status, 200);
    assert.equal((await ask(openbao, '/v1/sys/health?sealedcode=200', { state: { ready: false } })).status, 200);
  });

  it('seal-status answers 200 either way; other API paths are sealed or need a token; / redirects to the UI', async () => {
    const seal = await ask(openbao, '/v1/sys/seal-status', { state: { ready: false } });
    assert.equal(seal.status, 200);
    assert.deepEqual([jsonOf(seal).sealed, jsonOf(seal).t, jsonOf(seal).type], [true, 3, 'shamir']);
    assert.deepEqual(jsonOf(await ask(openbao, '/v1/secret/data/x', { state: { ready: false } })), { errors: ['Vault is sealed'] });
    assert.equal((await ask(openbao, '/v1/secret/data/x')).status, 403);
    assert.equal((await ask(openbao, '/v1/sys/health', { method: 'POST' })).status, 405);
    const root = await ask(openbao, '/');
    assert.deepEqual([root.status, root.headers.location], [307, '/ui/']);
    assert.equal(bodyOf(await ask(openbao, '/nope')), '404 page not found\n');
  });
});

describe('keycloak', () => {
  it('serves OIDC discovery for its realms with the public issuer', async () => {
    const a = await ask(keycloak, '/realms/master/.well-known/openid-configuration');
    assert.equal(a.status, 200);
    const body = jsonOf(a);
    assert.equal(body.issuer, `https://auth.${SOV}/realms/master`);
    assert.equal(body.jwks_uri, `https://auth.${SOV}/realms/master/protocol/openid-connect/certs`);
    assert.ok((body.response_types_supported as string[]).includes('code'));
  });

  it('unknown realm 404, unknown path 404 with the RESTEasy body, database down 500 and DOWN on the management port', async () => {
    assert.deepEqual(jsonOf(await ask(keycloak, '/realms/nope/.well-known/openid-configuration')), { error: 'Realm does not exist' });
    const unknown = await ask(keycloak, '/nope');
    assert.equal(unknown.status, 404);
    assert.equal(jsonOf(unknown).error, 'Unable to find matching target resource method');
    assert.equal((await ask(keycloak, '/realms/master/.well-known/openid-configuration', { state: { ready: false } })).status, 500);
    const ready = await ask(keycloak, '/health/ready', { port: 9000 });
    assert.deepEqual([ready.status, jsonOf(ready).status], [200, 'UP']);
    const down = await ask(keycloak, '/health/ready', { port: 9000, state: { ready: false } });
    assert.deepEqual([down.status, jsonOf(down).status], [503, 'DOWN']);
    assert.equal((await ask(keycloak, '/health/ready')).status, 404, 'health is not on the HTTP port');
  });
});

describe('gitea', () => {
  it('healthz passes with 200 and fails with 424 on a database outage', async () => {
    const ok = await ask(gitea, '/api/healthz');
    assert.equal(ok.status, 200);
    assert.equal(jsonOf(ok).status, 'pass');
    assert.equal(jsonOf(ok).description, 'Gitea: Git with a cup of tea');
    assert.match(bodyOf(ok), /^\{\n {2}"status": "pass"/, 'pretty-printed');
    const down = await ask(gitea, '/api/healthz', { state: { ready: false } });
    assert.equal(down.status, 424);
    assert.equal((jsonOf(down).checks as Record<string, { status: string }[]>)['database:ping'][0].status, 'fail');
  });

  it('version, API 404 JSON and the web 404 page', async () => {
    assert.deepEqual(jsonOf(await ask(gitea, '/api/v1/version')), { version: '1.22.3' });
    const api404 = await ask(gitea, '/api/v1/nope');
    assert.equal(api404.status, 404);
    assert.equal(jsonOf(api404).message, "The target couldn't be found.");
    const web404 = await ask(gitea, '/nope');
    assert.equal(web404.status, 404);
    assert.match(bodyOf(web404), /Page Not Found/);
  });
});

describe('catalyst-platform', () => {
  it('console: /healthz ok, SPA shell for any route, a missing bundle is nginx 404, /api/ goes upstream', async () => {
    const h = await ask(catalystConsole, '/healthz');
    assert.deepEqual([h.status, bodyOf(h)], [200, 'ok']);
    const deep = await ask(catalystConsole, '/console/dashboard');
    assert.equal(deep.status, 200);
    assert.match(bodyOf(deep), /<title>Sovereign Console<\/title>/);
    assert.equal((await ask(catalystConsole, '/assets/missing-abc.js')).status, 404);
    assert.equal((await ask(catalystConsole, '/api/healthz')).status, 502, 'nginx without its upstream');
    const proxied = await ask(catalystConsole, '/api/healthz', { upstream: (req) => Promise.resolve(catalystApi.handle(req, { sovereign: SOV, namespace: 'catalyst', pod: 'api-0', port: 8080, state: { ready: true } })) });
    assert.deepEqual([proxied.status, bodyOf(proxied)], [404, '404 page not found\n'], 'catalyst-api has no /api/healthz');
  });

  it('catalyst-api: /healthz plain ok, /api/v1/version, chi 404 and 405', async () => {
    const h = await ask(catalystApi, '/healthz');
    assert.deepEqual([h.status, bodyOf(h), h.headers['content-type']], [200, 'ok', 'text/plain']);
    const v = jsonOf(await ask(catalystApi, '/api/v1/version'));
    assert.equal(v.service, 'catalyst-api');
    assert.equal(v.sha, v.gitSha);
    assert.equal((await ask(catalystApi, '/api/healthz')).status, 404);
    assert.equal((await ask(catalystApi, '/healthz', { method: 'POST' })).status, 405);
  });

  it('marketplace: prefix /healthz, SPA shell, /_astro/ misses are 404', async () => {
    assert.equal(bodyOf(await ask(catalystMarketplace, '/healthz/anything')), 'ok');
    assert.match(bodyOf(await ask(catalystMarketplace, '/')), /<title>Marketplace<\/title>/);
    assert.equal((await ask(catalystMarketplace, '/_astro/gone.css')).status, 404);
    assert.equal((await ask(catalystMarketplace, '/', { method: 'POST' })).status, 405);
  });
});

describe('powerdns', () => {
  it('/ is the statistics page, the API needs X-API-Key', async () => {
    assert.equal((await ask(powerdns, '/')).status, 200);
    const denied = await ask(powerdns, '/api/v1/servers');
    assert.equal(denied.status, 401);
    assert.equal(denied.headers['www-authenticate'], 'X-API-Key realm="PowerDNS"');
    const servers = await ask(powerdns, '/api/v1/servers', { headers: { 'x-api-key': powerdns.initialState().apiKey } });
    assert.equal((JSON.parse(bodyOf(servers)) as { id: string }[])[0].id, 'localhost');
    assert.equal((await ask(powerdns, '/nope')).status, 404);
  });
});

describe('harbor', () => {
  it('health is 200 healthy, or 200 with status unhealthy and the failing component', async () => {
    const ok = jsonOf(await ask(harborCore, '/api/v2.0/health'));
    assert.equal(ok.status, 'healthy');
    assert.ok((ok.components as { name: string }[]).some((c) => c.name === 'registry'));
    const down = await ask(harborCore, '/api/v2.0/health', { state: { ready: false } });
    assert.equal(down.status, 200);
    assert.equal(jsonOf(down).status, 'unhealthy');
    assert.ok((jsonOf(down).components as { status: string; error?: string }[]).some((c) => c.status === 'unhealthy' && c.error));
  });

  it('ping is Pong, /v2/ asks for a bearer token, unknown API path 404, portal serves the shell', async () => {
    assert.equal(bodyOf(await ask(harborCore, '/api/v2.0/ping')), 'Pong');
    const v2 = await ask(harborCore, '/v2/');
    assert.equal(v2.status, 401);
    assert.match(v2.headers['www-authenticate'], new RegExp(`^Bearer realm="https://registry\\.${SOV.replace(/\./g, '\\.')}/service/token"`));
    assert.equal((await ask(harborCore, '/api/v2.0/nope')).status, 404);
    assert.match(bodyOf(await ask(harborPortal, '/harbor/projects')), /<harbor-app>/);
  });
});

describe('seaweedfs S3 gateway', () => {
  it('/status is 200 with an empty body (not JSON), even when not ready', async () => {
    for (const ready of [true, false]) {
      const a = await ask(seaweedfs, '/status', { state: { ready } });
      assert.deepEqual([a.status, bodyOf(a)], [200, '']);
      assert.match(a.headers.server, /^SeaweedFS /);
    }
  });

  it('anonymous S3 requests are AccessDenied XML', async () => {
    const a = await ask(seaweedfs, '/some-bucket');
    assert.equal(a.status, 403);
    assert.match(bodyOf(a), /<Code>AccessDenied<\/Code>/);
  });
});
