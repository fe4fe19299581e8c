/**
 * The sim's stand-in for the PowerDNS lua-record flip: `counter.<sov>` on the front door is
 * proxied to the counter app of the region that is primary now, and a TCP proxy on 127.0.0.1
 * (the `-rw` service) forwards SQL connections to that region's PostgreSQL. A flip cuts every
 * open SQL connection, as a DNS/endpoint change strands clients of the old primary.
 */
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface Backend {
  region: string;
  /** The counter app (HTTP) and PostgreSQL (SQL) of the region: its host's address, or loopback. */
  httpAddress: string;
  httpPort: number;
  sqlAddress: string;
  sqlPort: number;
}

const UPSTREAM_TIMEOUT_MS = 15_000;

export class DataplaneRouter {
  private current: Backend;
  private readonly sqlSockets = new Set<Socket>();
  private sqlServer?: Server;
  private firstUse?: () => void;

  constructor(initial: Backend) {
    this.current = initial;
  }

  get primaryRegion(): string {
    return this.current.region;
  }

  /** Called once, on the first write request or SQL connection a client sends (the async-detached fault's clock). */
  onFirstUse(fn: () => void): void {
    this.firstUse = fn;
  }

  private used(): void {
    const fn = this.firstUse;
    this.firstUse = undefined;
    fn?.();
  }

  flip(to: Backend): void {
    this.current = to;
    for (const s of this.sqlSockets) s.destroy();
  }

  /** Front-door handler for the counter host. */
  readonly http = (req: IncomingMessage, res: ServerResponse): void => {
    const backend = this.current;
    if (req.method === 'POST' && (req.url ?? '').startsWith('/write')) this.used();
    const upstream = request(
      { host: backend.httpAddress, port: backend.httpPort, method: req.method, path: req.url, headers: { ...req.headers, host: `${backend.httpAddress}:${backend.httpPort}` }, timeout: UPSTREAM_TIMEOUT_MS },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    const fail = (message: string): void => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const body = JSON.stringify({ error: `upstream ${backend.region}: ${message}`, region: backend.region });
      res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    };
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
    upstream.on('error', (err) => fail(err.message));
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };

  /** Starts the SQL proxy on 127.0.0.1; returns its port. */
  async listenSql(): Promise<number> {
    const server = createServer((client) => {
      this.used();
      const upstream = createConnection({ host: this.current.sqlAddress, port: this.current.sqlPort });
      const end = (): void => {
        client.destroy();
        upstream.destroy();
      };
      this.sqlSockets.add(client);
      client.on('close', () => {
        this.sqlSockets.delete(client);
        upstream.destroy();
      });
      client.on('error', end);
      upstream.on('error', end);
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.sqlServer = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('SQL proxy has no address');
    return address.port;
  }

  async close(): Promise<void> {
    for (const s of this.sqlSockets) s.destroy();
    const server = this.sqlServer;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
