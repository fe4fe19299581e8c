/**
 * A stand-in Docker Engine API on a TCP port (DOCKER_HOST=tcp://…), enough for testcontainers to
 * find it, create, start, inspect, stop and remove a container: what testcontainers asks the engine
 * for is recorded, and each published container port is answered by a server the test runs.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EngineRequest {
  method: string;
  path: string;
  body?: Record<string, unknown>;
}

interface Container {
  id: string;
  name: string;
  create: Record<string, unknown>;
  running: boolean;
}

export interface FakeEngine {
  /** For DOCKER_HOST. */
  url: string;
  requests: EngineRequest[];
  containers: Map<string, Container>;
  /** When set, container creation fails with this message (an engine that cannot pull, say). */
  refuseCreate?: string;
  close(): Promise<void>;
}

export interface FakeEngineOptions {
  /** Containers the engine lists as running or stopped (kind node containers); read on every request. */
  listed?: Record<string, boolean>;
  /** Host port each published container port maps to (`8025` → the test's stand-in server). */
  publish?: Record<number, number>;
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
}

export async function startFakeEngine(opts: FakeEngineOptions = {}): Promise<FakeEngine> {
  const requests: EngineRequest[] = [];
  const containers = new Map<string, Container>();
  const fake: FakeEngine = { url: '', requests, containers, close: async () => {} };
  // Read on every request: a test may change what the engine lists.
  const listedNow = (): Container[] => Object.entries(opts.listed ?? {}).map(([name, running]) => ({ id: name.padEnd(64, '0'), name, create: {}, running }));
  const find = (ref: string) => containers.get(ref) ?? [...containers.values(), ...listedNow()].find((c) => c.name === ref || c.id.startsWith(ref));

  const inspect = (c: Container) => {
    const bindings = (c.create.HostConfig as { PortBindings?: Record<string, unknown> } | undefined)?.PortBindings ?? {};
    const ports = Object.fromEntries(
      Object.keys(bindings).map((key) => [key, [{ HostIp: '0.0.0.0', HostPort: String(opts.publish?.[Number(key.split('/')[0])] ?? 0) }]]),
    );
    return {
      Id: c.id,
      Name: `/${c.name}`,
      Config: { Hostname: c.id.slice(0, 12), Labels: c.create.Labels ?? {}, Image: c.create.Image },
      HostConfig: { PortBindings: bindings },
      State: { Status: c.running ? 'running' : 'exited', Running: c.running, StartedAt: new Date().toISOString(), FinishedAt: '0001-01-01T00:00:00Z' },
      NetworkSettings: { Ports: ports, Networks: { bridge: { NetworkID: 'bridge', IPAddress: '172.17.0.2' } } },
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://engine');
    const path = url.pathname.replace(/^\/v[\d.]+(?=\/)/, '');
    const body = req.method === 'POST' ? await bodyOf(req).catch(() => undefined) : undefined;
    requests.push({ method: req.method ?? 'GET', path: `${path}${url.search}`, ...(body ? { body } : {}) });
    const send = (status: number, payload?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    const container = /^\/containers\/([^/]+)\//.exec(path)?.[1] ?? /^\/containers\/([^/]+)$/.exec(path)?.[1];
    const c = container ? find(decodeURIComponent(container)) : undefined;
    if (path === '/_ping') return void res.end('OK');
    if (path === '/info') {
      return send(200, { ServerVersion: '27.3.1', OperatingSystem: 'fake engine', OSType: 'linux', Architecture: 'x86_64', NCPU: 2, MemTotal: 1 << 30, IndexServerAddress: 'https://index.docker.io/v1/', Labels: [] });
    }
    if (path === '/containers/json') {
      const all = [...listedNow(), ...containers.values()].filter((x) => x.running || url.searchParams.get('all') === 'true');
      return send(200, all.map((x) => ({ Id: x.id, Names: [`/${x.name}`], State: x.running ? 'running' : 'exited', Labels: x.create.Labels ?? {}, Ports: [], Created: 0 })));
    }
    if (/^\/images\/.+\/json$/.test(path)) return send(200, { Id: `sha256:${'0'.repeat(64)}` });
    if (path === '/containers/create' && req.method === 'POST') {
      if (fake.refuseCreate !== undefined) return send(500, { message: fake.refuseCreate });
      const id = randomBytes(32).toString('hex');
      containers.set(id, { id, name: url.searchParams.get('name') ?? `fake_${id.slice(0, 6)}`, create: body ?? {}, running: false });
      return send(201, { Id: id, Warnings: [] });
    }
    if (/^\/networks\/[^/]+\/connect$/.test(path)) return send(200);
    if (!c) return send(404, { message: `No such container: ${container ?? path}` });
    if (path.endsWith('/start')) {
      c.running = true;
      return send(204);
    }
    if (path.endsWith('/stop')) {
      c.running = false;
      return send(204);
    }
    if (path.endsWith('/json')) return send(200, inspect(c));
    if (req.method === 'DELETE') {
      containers.delete(c.id);
      return send(204);
    }
    send(404, { message: `fake engine: no ${req.method} ${path}` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500);
      res.end(JSON.stringify({ message: String(e) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
