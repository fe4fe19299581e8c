/**
 * API calls share one keep-alive connection per cluster identity, and never reuse one the API
 * server may have closed: after the event loop was blocked past the server's keep-alive timeout
 * (its FIN not read yet), the next call opens a new connection instead of failing with
 * "socket hang up".
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { KeepAliveKubeConfig, MAX_IDLE_MS } from '../src/target/keepalive-config.js';

/** An API server stand-in in its own process (so it keeps running while this one is blocked), counting connections. */
const SERVER = `
const http = require('node:http');
let connections = 0;
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', annotations: { connections: String(connections) } } }));
});
server.on('connection', () => connections++);
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

test('calls reuse one connection, and a call after the event loop was blocked past the server keep-alive timeout still succeeds', async () => {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
      child.once('exit', () => reject(new Error('the server exited')));
    });
    const kc = new KeepAliveKubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'test' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const api = kc.makeApiClient(CoreV1Api);
    const connections = async () => Number((await api.readNamespace({ name: 'default' })).metadata?.annotations?.connections);
    assert.equal(await connections(), 1);
    assert.equal(await connections(), 1, 'the second call reuses the connection');
    // Blocked longer than a pooled connection may idle (Node's HTTP servers close one after 5 s).
    execFileSync('sleep', [String((MAX_IDLE_MS + 500) / 1000)]);
    assert.equal(await connections(), 2, 'answered on a new connection');
    kc.destroyAgents();
  } finally {
    child.kill();
  }
});
