/**
 * The world's own Kubernetes client: one keep-alive connection pool per region, authenticated as
 * the kubeconfig's user (a client certificate), over TLS verified against the region's CA. The
 * embedded Sovereign's actors (operators, product runtimes, the provisioner) write through it with
 * their own field managers; the harness never uses it.
 */
import { readFileSync } from 'node:fs';
import { Pool, type Dispatcher } from 'undici';
import { parse } from 'yaml';

export class KubeError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string, readonly retryAfterMs = 500) {
    super(message);
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

/** The API server did not answer at all (its region powered off or cut off), as opposed to answering with an error. */
export function apiUnreachable(err: unknown): boolean {
  return !(err instanceof KubeError) && UNREACHABLE.has(String((err as { code?: unknown } | undefined)?.code ?? ''));
}

interface KubeconfigFile {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data'?: string; 'client-key-data'?: string; token?: string } }[];
}

export class KubeRest {
  readonly server: string;
  private readonly pool: Pool;
  /** Watches hold a connection each for minutes: they get their own unbounded pool, never starving requests. */
  private readonly watchPool: Pool;
  private readonly token?: string;

  constructor(kubeconfigPath: string) {
    const kc = parse(readFileSync(kubeconfigPath, 'utf8')) as KubeconfigFile;
    const cluster = kc.clusters[0].cluster;
    const user = kc.users[0].user;
    const b64 = (s?: string) => (s ? Buffer.from(s, 'base64').toString() : undefined);
    this.server = cluster.server;
    this.token = user.token;
    const connect = { ca: b64(cluster['certificate-authority-data']), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']) };
    this.pool = new Pool(cluster.server, { connections: 8, pipelining: 1, connect });
    this.watchPool = new Pool(cluster.server, { connect });
  }

  /**
   * One API call. A 429 (priority and fairness, or a resource whose storage is still initializing
   * right after its CRD was created) is retried after the server's Retry-After, for up to 30 s.
   */
  async request<T = Record<string, unknown>>(method: Dispatcher.HttpMethod, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return await this.once<T>(method, path, body, contentType);
      } catch (err) {
        if (!(err instanceof KubeError) || err.status !== 429 || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, err.retryAfterMs));
      }
    }
  }

  private async once<T>(method: Dispatcher.HttpMethod, path: string, body: unknown, contentType: string): Promise<T> {
    const res = await this.pool.request({
      method,
      path,
      headers: {
        accept: 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': contentType } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      headersTimeout: 30_000,
      bodyTimeout: 60_000,
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) {
      let reason = '';
      let message = text;
      try {
        const status = JSON.parse(text) as { reason?: string; message?: string };
        reason = status.reason ?? '';
        message = status.message ?? text;
      } catch {
        // Not a Status object.
      }
      const retryAfter = Number(res.headers['retry-after']);
      throw new KubeError(res.statusCode, reason, `${method} ${path}: ${res.statusCode} ${message}`, Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 5) * 1000 : 500);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** A streaming GET (watches): the raw body, ended by the server or by `signal`. */
  async stream(path: string, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    return this.watchPool.request({
      method: 'GET',
      path,
      signal,
      headers: { accept: 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      headersTimeout: 30_000,
      bodyTimeout: 0,
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.watchPool.destroy()]);
  }
}
