/**
 * A live walk refuses, with one line and exit 2 before any fault, what it cannot do safely:
 * journeys without a mailbox or addresses it receives, a database without a CA to verify, and
 * an hcloud kill whose selector is not exactly the primary region's nodes (a fake Hetzner API
 * and a stub API server on loopback). No secret given to it reaches its output.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from './helpers/temp.js';
import { walk } from './helpers/walk.js';
import { derivedAddress } from '../src/walk/live-refusals.js';

const REGION = 'hz-fsn-rtz-prod';
const HCLOUD_TOKEN = 'hc-refusal-token-5f4e3d2c1b';
const DB_PASSWORD = 'db-refusal-password-9a8b7c';
const dir = tempDir('sw-live-refusals-');
/** Variables of the caller that would change what is refused. */
const CLEAN = { SW_IMAP_HOST: '', SW_IMAP_USER: '', SW_MAILPIT_URL: '', SW_DB_HOST: '', SW_DB_CA_FILE: '', HCLOUD_TOKEN: '', SW_HCLOUD_LABEL_SELECTOR: '', SW_STATE_DIR: dir };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A kubeconfig for a stub API server that serves the core group's discovery and two nodes. */
async function stubRegion(): Promise<{ kubeconfig: string; server: Server }> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/api/v1') return res.end(JSON.stringify({ kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'nodes', singularName: 'node', kind: 'Node', namespaced: false, verbs: ['get', 'list', 'watch'] }] }));
    if (req.url?.startsWith('/api/v1/nodes')) {
      const node = (name: string, id: number) => ({ metadata: { name }, spec: { providerID: `hcloud://${id}` }, status: { addresses: [] } });
      return res.end(JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [node('t38-fsn-1', 1), node('t38-fsn-2', 2)] }));
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ kind: 'Status', code: 404 }));
  });
  const url = await listen(server);
  const kubeconfig = join(dir, `${REGION}.yaml`);
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: stub-token-0123456789\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`);
  return { kubeconfig, server };
}

/** Hetzner Cloud with t38's two fsn servers and t39's one, all labelled region=hz-fsn-rtz-prod. */
async function fakeHcloud(): Promise<{ endpoint: string; calls: string[]; server: Server }> {
  const calls: string[] = [];
  const servers = [
    { id: 1, name: 't38-fsn-1', status: 'running', labels: { sovereign: 't38', region: REGION } },
    { id: 2, name: 't38-fsn-2', status: 'running', labels: { sovereign: 't38', region: REGION } },
    { id: 9, name: 't39-fsn-1', status: 'running', labels: { sovereign: 't39', region: REGION } },
  ];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url?.split('?')[0]}`);
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${HCLOUD_TOKEN}`) return res.writeHead(401).end(JSON.stringify({ error: { message: 'unauthorized' } }));
    const want = (new URL(req.url ?? '/', 'http://x').searchParams.get('label_selector') ?? '').split(',').map((kv) => kv.split('='));
    res.end(JSON.stringify({ servers: servers.filter((s) => want.every(([k, v]) => (s.labels as Record<string, string>)[k] === v)), meta: { pagination: { next_page: null } } }));
  });
  return { endpoint: `${await listen(server)}/v1`, calls, server };
}

async function refused(args: string[], env: NodeJS.ProcessEnv, re: RegExp): Promise<string> {
  const r = await walk(args, { env: { ...CLEAN, ...env }, timeoutMs: 60_000 });
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n').filter((l) => !/npm warn/.test(l));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], re);
  for (const secret of [HCLOUD_TOKEN, DB_PASSWORD]) assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), 'no secret in the output');
  return lines[0];
}

test('journey addresses: given, or derived from the IMAP user by plus-addressing', () => {
  assert.equal(derivedAddress('walker@example.org', 'operator'), 'walker+operator@example.org');
  assert.equal(derivedAddress('walker+inbox@example.org', 'customer'), 'walker+customer@example.org');
  assert.equal(derivedAddress('walker', 'operator'), undefined);
  assert.equal(derivedAddress(undefined, 'operator'), undefined);
});

test('live refusals: journeys without a mailbox or without addresses, a database without a CA; exit 2, one line', async () => {
  const { kubeconfig, server } = await stubRegion();
  try {
    const base = ['--sov', 't38', '--kubeconfig', `${REGION}=${kubeconfig}`];
    await refused([...base, '--suite', 'journeys'], {}, /^walk: journeys on t38\.omani\.works read the voucher mail and PINs from a mailbox/);
    await refused([...base, '--suite', 'journeys'], { SW_IMAP_HOST: 'imap.example.org', SW_IMAP_USER: 'walker' }, /pass --operator-email and --customer-email .*or set SW_IMAP_USER to an address/);
    await refused([...base, '--suite', 'journeys', '--operator-email', 'op@example.org'], { SW_IMAP_HOST: 'imap.example.org', SW_IMAP_USER: 'walker' }, /pass --customer-email \(/);
    await refused([...base, '--suite', 'dod'], { SW_DB_HOST: 'db.example.org', SW_DB_PASSWORD: DB_PASSWORD }, /^walk: SW_DB_HOST is set: .* pass --db-ca-file <pem> \(or SW_DB_CA_FILE\)/);
    await refused([...base, '--suite', 'dod', '--db-ca-file', join(dir, 'nope.pem')], { SW_DB_HOST: 'db.example.org', SW_DB_PASSWORD: DB_PASSWORD }, /--db-ca-file .*nope\.pem not found/);
  } finally {
    server.close();
  }
});

test('live refusals: an hcloud selector that is not exactly the region\'s nodes, or none at all, stops the walk before any power-off', async () => {
  const [{ kubeconfig, server }, hcloud] = await Promise.all([stubRegion(), fakeHcloud()]);
  try {
    const base = ['--sov', 't38', '--kubeconfig', `${REGION}=${kubeconfig}`, '--suite', 'failover', '--allow-chaos'];
    const env = { HCLOUD_TOKEN, HCLOUD_ENDPOINT: hcloud.endpoint };
    await refused(base, env, /^walk: HCLOUD_TOKEN is set but no --hcloud-selector \(or SW_HCLOUD_LABEL_SELECTOR\) names the servers of hz-fsn-rtz-prod/);
    await refused([...base, '--hcloud-selector', `region=${REGION}`], env, /^walk: failover: refusing the hcloud kill of hz-fsn-rtz-prod: server\(s\) t39-fsn-1 \(9\) matching region=hz-fsn-rtz-prod are not nodes of hz-fsn-rtz-prod/);
    await refused(base, { ...env, SW_HCLOUD_LABEL_SELECTOR: 'sovereign=t39' }, /t39-fsn-1 \(9\) .* are not nodes.*node\(s\) t38-fsn-1, t38-fsn-2 of hz-fsn-rtz-prod are not among the servers/);
    assert.ok(hcloud.calls.length > 0 && hcloud.calls.every((c) => c.startsWith('GET ')), `only listed, never acted: ${hcloud.calls.join(', ')}`);
  } finally {
    server.close();
    hcloud.server.close();
  }
});
