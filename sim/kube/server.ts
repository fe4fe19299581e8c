import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { apiGroupList, apiGroupOf, apiResourceList, apiVersions } from './discovery.js';
import { StoreError, toStatus, unknownResource } from './errors.js';
import type { ExecHandler } from './exec.js';
import { EXEC_PROTOCOLS, serveExec } from './exec.js';
import { sendError, sendJson } from './http.js';
import type { ResourcePath } from './paths.js';
import { parseApiPath } from './paths.js';
import type { ServiceProxyHandler } from './proxy.js';
import { serveServiceProxy } from './proxy.js';
import { serveOpenApiV2, serveOpenApiV3 } from './openapi.js';
import { ResourceApi } from './resource-api.js';
import type { ObjectStore } from './store.js';

export interface RequestRecord {
  method: string;
  /** Path and query string as received. */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface KubeApiServerOptions {
  store: ObjectStore;
  /** The only bearer token accepted. */
  token: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  tls: { cert: string; key: string };
  /** Called for every request and upgrade before authentication, e.g. to record what clients send. */
  onRequest?: (r: RequestRecord) => void;
}

export interface KubeApiServer {
  url: string;
  /** Ends all watches and websockets and stops listening. */
  close(): Promise<void>;
  setExecHandler(h: ExecHandler): void;
  setServiceProxyHandler(h: ServiceProxyHandler): void;
  /** false: every open and new connection is destroyed, as if the region were unreachable. */
  setAvailable(up: boolean): void;
  /** Artificial latency added before each request is handled. */
  setLatency(ms: () => number): void;
}

export const SIM_KUBE_VERSION = {
  major: '1',
  minor: '30',
  gitVersion: 'v1.30.0+sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-04-17T00:00:00Z',
  goVersion: 'go1.22.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const HEALTH_PATHS = new Set(['/healthz', '/livez', '/readyz']);

function isExec(path: ResourcePath): boolean {
  return path.group === '' && path.plural === 'pods' && path.subresource === 'exec' && path.namespace !== undefined && path.name !== undefined;
}

function isServiceProxy(path: ResourcePath): boolean {
  return path.group === '' && path.plural === 'services' && path.subresource === 'proxy' && path.namespace !== undefined && path.name !== undefined;
}

/** Answers a rejected upgrade on the raw socket, since no ServerResponse exists for upgrades. */
function rejectUpgrade(socket: Duplex, err: StoreError): void {
  const body = JSON.stringify(toStatus(err));
  socket.end(
    `HTTP/1.1 ${err.code} ${STATUS_CODES[err.code] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function startKubeApiServer(opts: KubeApiServerOptions): Promise<KubeApiServer> {
  const { store } = opts;
  const expectedAuth = Buffer.from(`Bearer ${opts.token}`);
  const sockets = new Set<Socket>();
  const watches = new Set<ServerResponse>();
  const api = new ResourceApi(store, watches);
  let available = true;
  let latency: () => number = () => 0;
  let execHandler: ExecHandler | undefined;
  let proxyHandler: ServiceProxyHandler | undefined;

  const authorized = (headers: IncomingHttpHeaders): boolean => {
    const given = Buffer.from(headers.authorization ?? '');
    return given.length === expectedAuth.length && timingSafeEqual(given, expectedAuth);
  };
  const unauthorized = new StoreError(401, 'Unauthorized', 'Unauthorized');
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  const prelude = async (req: IncomingMessage): Promise<URL> => {
    opts.onRequest?.({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    const delay = latency();
    if (delay > 0) await sleep(delay);
    return new URL(req.url ?? '/', 'https://sim.invalid');
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = await prelude(req);
    if (HEALTH_PATHS.has(url.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    if (url.pathname === '/version') return sendJson(res, 200, SIM_KUBE_VERSION);
    if (!authorized(req.headers)) throw unauthorized;
    if (url.pathname === '/openapi/v2') return serveOpenApiV2(res, req.headers.accept, SIM_KUBE_VERSION.gitVersion);
    if (url.pathname === '/openapi/v3') return serveOpenApiV3(res);
    const path = parseApiPath(url.pathname);
    const types = store.types();
    switch (path?.kind) {
      case 'legacyVersions':
        return sendJson(res, 200, apiVersions(req.headers.host ?? ''));
      case 'groups':
        return sendJson(res, 200, apiGroupList(types));
      case 'group': {
        const group = apiGroupOf(types, path.group);
        if (!group) throw unknownResource();
        return sendJson(res, 200, group);
      }
      case 'groupVersion': {
        const list = apiResourceList(types, path.group, path.version);
        if (!list || (path.group === '' && path.version !== 'v1')) throw unknownResource();
        return sendJson(res, 200, list);
      }
      case 'resource':
        if (isServiceProxy(path)) {
          return serveServiceProxy(proxyHandler, req, res, {
            namespace: path.namespace ?? '',
            serviceRef: path.name ?? '',
            subpath: path.subpath,
            search: url.search,
          });
        }
        if (isExec(path)) throw new StoreError(400, 'BadRequest', 'Upgrade request required');
        return api.handle(req, res, url.searchParams, path);
      default:
        throw unknownResource();
    }
  };

  const handleUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const url = await prelude(req);
    if (!authorized(req.headers)) return rejectUpgrade(socket, unauthorized);
    const path = parseApiPath(url.pathname);
    if (path?.kind !== 'resource' || !isExec(path)) return rejectUpgrade(socket, unknownResource());
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return rejectUpgrade(socket, new StoreError(400, 'BadRequest', 'only websocket exec streams are supported by the sim'));
    }
    const handler = execHandler;
    if (!handler) return rejectUpgrade(socket, new StoreError(404, 'NotFound', `exec is not available for pods "${path.name}"`));
    const command = url.searchParams.getAll('command');
    const container = url.searchParams.get('container');
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      void serveExec(ws, handler, {
        namespace: path.namespace ?? '',
        pod: path.name ?? '',
        ...(container ? { container } : {}),
        command,
      });
    });
  };

  const server = createServer({ cert: opts.tls.cert, key: opts.tls.key }, (req, res) => {
    handleRequest(req, res).catch((err: unknown) => sendError(res, err));
  });
  server.on('connection', (socket: Socket) => {
    if (!available) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    handleUpgrade(req, socket, head).catch((err: unknown) => {
      rejectUpgrade(socket, err instanceof StoreError ? err : new StoreError(500, 'InternalError', String(err)));
    });
  });
  // TLS handshake failures (e.g. a client that does not trust the CA) are the client's problem.
  server.on('tlsClientError', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  const destroyConnections = (): void => {
    for (const socket of sockets) socket.destroy();
  };

  return {
    url: `https://${host}:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of watches) res.end();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      destroyConnections();
      await closed;
    },
    setExecHandler(h) {
      execHandler = h;
    },
    setServiceProxyHandler(h) {
      proxyHandler = h;
    },
    setAvailable(up) {
      available = up;
      if (!up) destroyConnections();
    },
    setLatency(ms) {
      latency = ms;
    },
  };
}
