import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { walk } from './helpers/walk.js';
import { tempDir } from './helpers/temp.js';
import { kitFileOf } from './helpers/kits.js';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSimPki } from '../sim/pki/tls.js';
import { writeKubeconfig } from '../sim/controlplane/kubeconfig.js';

const dir = tempDir('sw-setup-');

/** Exit 2 with exactly one line on stderr naming the problem, and no stack trace. */
async function setupError(args: string[], re: RegExp, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<void> {
  const r = await walk(args, { timeoutMs: opts.timeoutMs ?? 60_000, env: opts.env });
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n').filter((l) => !/npm warn/.test(l));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^walk: /);
  assert.match(lines[0], re);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test('usage errors exit 2 with one line', async () => {
  await setupError(['--bogus'], /unknown option '--bogus'/);
  await setupError(['--sov', 'openova.io'], /forbidden by the domain canon/);
  await setupError(['--sim-fault', 'nonsense:bp-cilium'], /^walk: unknown --sim-fault kind "nonsense"/);
  await setupError(['--sim-fault', 'hr-stuck:bp-not-in-kit'], /^walk: --sim-fault hr-stuck:bp-not-in-kit: .*bp-not-in-kit/);
  await setupError(['--kit', join(dir, 'missing.json')], /file not found/);
});

test('set-up errors exit 2: no kubeconfig, unreadable kubeconfig, unreachable API server', async () => {
  await setupError(['--sov', 't38'], /needs a kubeconfig per region/);
  await setupError(['--sov', 't38', '--suite', 'readiness', '--kubeconfig', `r1=${join(dir, 'nope.yaml')}`], /kubeconfig for region r1 not found/);
  const garbage = join(dir, 'garbage.yaml');
  writeFileSync(garbage, 'this: [is not: a kubeconfig');
  await setupError(['--sov', 't38', '--suite', 'readiness', '--kubeconfig', `r1=${garbage}`], /kubeconfig for region r1 is unreadable|has no current cluster/);
  const dead = join(dir, 'dead.yaml');
  const pki = await createSimPki(join(dir, 'pki'), []);
  await writeKubeconfig(dead, { clusterName: 'dead', server: 'https://127.0.0.1:9', caPem: pki.caPem, user: 'u', credential: { token: 'x'.repeat(20) } });
  await setupError(['--sov', 't38', '--suite', 'readiness', '--kubeconfig', `r1=${dead}`], /API server of region r1 \(https:\/\/127\.0\.0\.1:9\) is unreachable/);
});

/** An API server that serves Kubernetes' core API and discovery, and no Flux group (as a cluster before Flux). */
function apiWithoutFlux(pki: { certPem: string; keyPem: string }) {
  const answers: Record<string, unknown> = {
    '/version': { major: '1', minor: '34', gitVersion: 'v1.34.4' },
    '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
    '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }] },
    '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list', 'watch'] }] },
    '/apis/apps/v1': { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [] },
  };
  return createServer({ cert: pki.certPem, key: pki.keyPem }, (req, res) => {
    const body = answers[(req.url ?? '').split('?')[0]];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { kind: 'Status', status: 'Failure', code: 404, reason: 'NotFound' }));
  });
}

test('a cluster without Flux\'s HelmRelease API is a set-up error (missing CRD)', async () => {
  const pki = await createSimPki(join(dir, 'pki2'), []);
  const api = apiWithoutFlux(pki);
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  try {
    const kc = join(dir, 'noflux.yaml');
    await writeKubeconfig(kc, { clusterName: 'noflux', server: `https://127.0.0.1:${(api.address() as AddressInfo).port}`, caPem: pki.caPem, user: 'u', credential: { token: 'seeded-token-123456' } });
    await setupError(['--sov', 't38', '--kubeconfig', `r1=${kc}`, '--suite', 'readiness'], /missing CRD/);
  } finally {
    api.closeAllConnections();
    await new Promise<void>((resolve) => api.close(() => resolve()));
  }
});

test('an embedded Sovereign that fails to start (its process, not the walk\'s) is a set-up error naming its last line', { timeout: 60_000 }, async () => {
  // Set-up never ran for this cache: the sim stops at its first missing asset and says what to run.
  await setupError(['--suite', 'readiness', '--kit', kitFileOf(['bp-cilium'])], /^walk: the sim did not start: .* (files are not fetched|is not built) \(expected \/nonexistent\/.*\): run bash scripts\/setup\.sh$/, { env: { SW_CACHE_DIR: '/nonexistent' }, timeoutMs: 30_000 });
});
