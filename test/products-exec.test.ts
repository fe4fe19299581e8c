import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { resolveLocalTool } from '../sim/controlplane/assets.js';
import { productListener } from '../sim/products/http.js';
import { SEARCH_ATTRIBUTES, temporalFrontend } from '../sim/products/temporal.js';

const BIN = fileURLToPath(new URL('../sim/products/bin/', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The products' CLIs as kwok finds them: tctl is built by set-up (a Go program), the others are scripts. */
function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command === 'tctl' ? resolveLocalTool('tctl') : join(BIN, command), args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('valkey-cli (redis-cli against the pod\'s redis-server)', () => {
  // The script always dials port 6379, as valkey-cli in the pod does; a loopback address of its own
  // keeps this server clear of any other on 6379.
  const podIp = `127.77.${(process.pid % 250) + 1}.1`;
  let server: ChildProcess;

  before(async () => {
    server = spawn('/usr/bin/redis-server', ['--bind', podIp, '--port', '6379', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      server.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
    });
  });

  after(() => {
    if (server.exitCode === null) server.kill('SIGTERM');
  });

  it('answers PONG to ping and runs other commands', async () => {
    assert.deepEqual(await run('valkey-cli', ['ping'], { SW_POD_IP: podIp }), { code: 0, stdout: 'PONG\n', stderr: '' });
    assert.equal((await run('valkey-cli', ['set', 'k', 'v'], { SW_POD_IP: podIp })).stdout, 'OK\n');
    assert.equal((await run('valkey-cli', ['get', 'k'], { SW_POD_IP: podIp })).stdout, 'v\n');
  });

  it('names Valkey, not Redis, when the server is gone, and exits 1', async () => {
    const stopped = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await stopped;
    const r = await run('valkey-cli', ['ping'], { SW_POD_IP: podIp });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^Could not connect to Valkey at ${podIp.replace(/\./g, '\\.')}:6379: Connection refused`));
  });
});

describe('tctl cluster get-search-attributes (against the temporal frontend model)', () => {
  const state = { ready: true };
  let server: Server;
  let port: number;

  before(async () => {
    server = createServer(productListener(temporalFrontend, { sovereign: 's', namespace: 'temporal', pod: 'temporal-frontend-0', state }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(() => {
    server.close();
  });

  it('prints the attributes table, localhost meaning the pod\'s own IP, and nothing on stderr', async () => {
    const r = await run('tctl', ['--address', `localhost:${port}`, 'cluster', 'get-search-attributes'], { SW_POD_IP: '127.0.0.1' });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'Search attributes:');
    assert.match(lines[1], /^\+-+\+-+\+$/);
    assert.match(lines[2], /^\| \x1b\[94m +NAME +\x1b\[0m \| \x1b\[94m +TYPE +\x1b\[0m \|$/);
    const rows = lines.filter((l) => /^\| [A-Z]/.test(l)).map((l) => l.split('|').map((c) => c.trim()).slice(1, 3));
    assert.equal(rows.length, Object.keys(SEARCH_ATTRIBUTES).length);
    assert.deepEqual(rows.find(([name]) => name === 'WorkflowId'), ['WorkflowId', 'Keyword']);
    assert.deepEqual(rows.find(([name]) => name === 'TemporalChangeVersion'), ['TemporalChangeVersion', 'KeywordList']);
    assert.deepEqual(rows.map(([name]) => name), rows.map(([name]) => name).sort());
    assert.equal(new Set(lines.filter((l) => l.startsWith('|') || l.startsWith('+')).map((l) => l.replace(/\x1b\[\d+m/g, '').length)).size, 1, 'every table line has the same width');
  });

  it('fails the SDK dial with the CLI logger\'s FATAL line when the frontend is not serving', async () => {
    state.ready = false;
    try {
      const r = await run('tctl', ['--address', `127.0.0.1:${port}`, 'cluster', 'get-search-attributes'], {});
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^\S+\t\x1b\[31mFATAL\x1b\[0m\tFailed to create SDK client\t\{"error": "failed reaching server: health check returned unhealthy status: NOT_SERVING"\}\n$/);
    } finally {
      state.ready = true;
    }
  });

  it('reports connection refused as the gRPC dial error, naming 127.0.0.1 for localhost', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await run('tctl', ['--address', `localhost:${deadPort}`, 'cluster', 'get-search-attributes'], { SW_POD_IP: '127.0.0.1' });
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`failed reaching server: last connection error: connection error: desc = \\"transport: Error while dialing: dial tcp 127.0.0.1:${deadPort}: connect: connection refused\\"`), r.stderr);
  });

  it('rejects unknown commands as urfave/cli does', async () => {
    assert.deepEqual(await run('tctl', ['workflow', 'list'], {}), { code: 3, stdout: '', stderr: "No help topic for 'workflow'\n" });
    assert.deepEqual(await run('tctl', ['cluster', 'nope'], {}), { code: 3, stdout: '', stderr: "No help topic for 'nope'\n" });
  });
});
