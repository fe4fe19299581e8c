/**
 * One client per region, each from its own kubeconfig (never a shared config with switched
 * contexts). Everything the harness does to a cluster goes through here, and every request it
 * sends is counted once (src/target/api-requests.ts): API calls as the KubeConfig applies their
 * credentials, watches, exec and service-proxy requests where they are opened.
 */
import { existsSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { Writable } from 'node:stream';
import {
  ApiException,
  Exec,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
  type Configuration,
  type V1APIResource,
  type V1Status,
} from '@kubernetes/client-node';
import type { RegionSpec } from './types.js';
import { SetupError } from './errors.js';
import { DiscoveryStatusError, ResourceResolver, collectionPath, type ResolvedResource } from './resources.js';
import { ResilientWatch, type WatchHandler, type WatchOptions } from './watch.js';
import { registerSecret } from '../evidence/redact.js';
import { KeepAliveKubeConfig } from './keepalive-config.js';
import { countApiRequest, pathOnServer } from './api-requests.js';
import { describeError, type KubeObject, type ListOptions } from './objects.js';

export const FIELD_MANAGER = 'sovereign-walk';

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export class RegionClient {
  readonly name: string;
  readonly role: RegionSpec['role'];
  readonly kc: KeepAliveKubeConfig;
  private readonly objects: KubernetesObjectApi;
  private readonly resolver: ResourceResolver;

  constructor(region: RegionSpec) {
    this.name = region.name;
    this.role = region.role;
    if (!existsSync(region.kubeconfigPath)) {
      throw new SetupError(`kubeconfig for region ${region.name} not found: ${region.kubeconfigPath}`);
    }
    this.kc = new KeepAliveKubeConfig((method, url) => this.count(method, pathOnServer(url, this.server)));
    try {
      this.kc.loadFromString(readFileSync(region.kubeconfigPath, 'utf8'));
    } catch (e) {
      throw new SetupError(`kubeconfig for region ${region.name} is unreadable (${region.kubeconfigPath}): ${(e as Error).message.split('\n')[0]}`);
    }
    if (!this.kc.getCurrentCluster()) throw new SetupError(`kubeconfig for region ${region.name} has no current cluster: ${region.kubeconfigPath}`);
    for (const u of this.kc.getUsers()) {
      registerSecret(u.token);
      registerSecret(u.keyData);
      registerSecret(u.password);
    }
    this.resolver = new ResourceResolver(this.kc, (path, accept) => this.getJson(path, accept));
    this.objects = ResolvedObjectApi.over(this.kc, this.resolver);
  }

  private count(method: string, pathAndQuery: string): void {
    countApiRequest(this.name, method, pathAndQuery);
  }

  /** Closes pooled API connections; the client must not be used afterwards. */
  close(): void {
    this.kc.destroyAgents();
  }

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '';
  }

  /** Fails with a SetupError when the API server does not answer. */
  async ping(): Promise<string> {
    try {
      const v = await this.kc.makeApiClient(VersionApi).getCode();
      return v.gitVersion;
    } catch (e) {
      throw new SetupError(`API server of region ${this.name} (${this.server}) is unreachable: ${describeError(e)}`);
    }
  }

  resolve(resource: string): Promise<ResolvedResource> {
    return this.resolver.resolve(resource);
  }

  async list(resource: string, opts: ListOptions = {}): Promise<{ items: KubeObject[]; resourceVersion: string; resolved: ResolvedResource }> {
    const r = await this.resolve(resource);
    const l = await this.objects.list<KubeObject>(r.apiVersion, r.kind, r.namespaced ? opts.namespace : undefined, undefined, undefined, undefined, opts.fieldSelector, opts.labelSelector);
    return { items: l.items.map((o) => withTypeMeta(o, r)), resourceVersion: l.metadata?.resourceVersion ?? '', resolved: r };
  }

  async get(resource: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const r = await this.resolve(resource);
    try {
      const o = await this.objects.read<KubeObject>({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name, namespace: r.namespaced ? namespace : undefined } });
      return withTypeMeta(o, r);
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return undefined;
      throw e;
    }
  }

  async create(obj: KubeObject): Promise<KubeObject> {
    return this.objects.create<KubeObject>(obj, undefined, undefined, FIELD_MANAGER);
  }

  async mergePatch(resource: string, namespace: string | undefined, name: string, patch: Record<string, unknown>): Promise<KubeObject> {
    const r = await this.resolve(resource);
    const spec = { ...patch, apiVersion: r.apiVersion, kind: r.kind, metadata: { ...(patch.metadata as object | undefined), name, namespace: r.namespaced ? namespace : undefined } };
    return this.objects.patch<KubeObject>(spec as KubeObject, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch);
  }

  /** Deletes the object; true when it existed. */
  async delete(resource: string, namespace: string | undefined, name: string): Promise<boolean> {
    const r = await this.resolve(resource);
    try {
      await this.objects.delete({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name, namespace: r.namespaced ? namespace : undefined } });
      return true;
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return false;
      throw e;
    }
  }

  /** Starts a resilient watch; resolves once the initial list has been delivered. */
  async watch(resource: string, opts: ListOptions & WatchOptions, handler: WatchHandler, onError: (e: Error) => void = () => {}): Promise<ResilientWatch> {
    const r = await this.resolve(resource);
    const w = new ResilientWatch(
      this.kc,
      collectionPath(r, opts.namespace),
      opts,
      async () => {
        const l = await this.list(resource, opts);
        return { items: l.items, resourceVersion: l.resourceVersion };
      },
      handler,
      onError,
      (method, path) => this.count(method, path),
    );
    await w.start();
    return w;
  }

  async exec(namespace: string, pod: string, container: string, command: string[], timeoutMs = 30_000): Promise<ExecResult> {
    let stdout = '';
    let stderr = '';
    const sink = (into: (s: string) => void) => new Writable({ write(chunk, _e, cb) { into(String(chunk)); cb(); } });
    return new Promise<ExecResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`exec in ${namespace}/${pod} timed out after ${timeoutMs} ms`)), timeoutMs);
      this.count('GET', `/api/v1/namespaces/${namespace}/pods/${pod}/exec`);
      new Exec(this.kc)
        .exec(namespace, pod, container, command, sink((s) => (stdout += s)), sink((s) => (stderr += s)), null, false, (status: V1Status) => {
          clearTimeout(timer);
          const code = status.status === 'Success' ? 0 : Number(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message ?? 1);
          // Let the socket flush the last stdout frame before resolving.
          setImmediate(() => resolve({ stdout, stderr, exitCode: code }));
        })
        .catch((e) => {
          clearTimeout(timer);
          reject(e);
        });
    });
  }

  /** A raw GET of a path on the API server (discovery in its aggregated form, which the generated clients cannot ask for). */
  private async getJson(path: string, accept: string): Promise<unknown> {
    const opts: https.RequestOptions = { method: 'GET', headers: { accept } };
    await this.kc.applyToHTTPSOptions(opts);
    this.count('GET', path);
    return new Promise((resolve, reject) => {
      const req = https.request(new URL(`${this.server.replace(/\/$/, '')}${path}`), { ...opts, timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(new DiscoveryStatusError(`GET ${path}: HTTP ${res.statusCode} ${body.slice(0, 200)}`, res.statusCode));
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(new Error(`GET ${path}: the answer is not JSON (${(e as Error).message})`));
          }
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after 30 s`)));
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * GET through the API server's service proxy (`/api/v1/namespaces/<ns>/services/<svc>:<port>/proxy/<path>`).
   * Raw HTTP, not the generated client: a product's answer need not be JSON or carry a content type
   * (SeaweedFS's /status is an empty 200), and the status and body must reach the probe as they are.
   */
  async serviceProxyGet(namespace: string, service: string, port: string, path: string, timeoutMs = 30_000): Promise<{ status: number; body: string }> {
    const onServer = `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(`${service}:${port}`)}/proxy/${path.replace(/^\//, '')}`;
    const url = new URL(`${this.server.replace(/\/$/, '')}${onServer}`);
    const opts: https.RequestOptions = { method: 'GET', headers: { accept: '*/*' } };
    await this.kc.applyToHTTPSOptions(opts);
    this.count('GET', onServer);
    return new Promise((resolve, reject) => {
      const req = https.request(url, { ...opts, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`service proxy GET timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }
}

/**
 * client-node's object API finds a kind's plural by fetching its group version's resource list,
 * once per API version but again for every call made before the first answer is in: the sweep's
 * concurrent first lists fetched each group version up to four times, after the resolver had
 * already fetched it, and waited a round trip for it. This one asks the resolver's discovery first.
 */
class ResolvedObjectApi extends KubernetesObjectApi {
  private resolver?: ResourceResolver;

  static over(kc: KeepAliveKubeConfig, resolver: ResourceResolver): ResolvedObjectApi {
    const api = kc.makeApiClient(ResolvedObjectApi);
    api.resolver = resolver;
    return api;
  }

  protected override async resource(apiVersion: string, kind: string, options?: Configuration): Promise<V1APIResource | undefined> {
    // A kind the resolver's (possibly older) discovery lacks: the library fetches afresh, as before.
    return (await this.resolver?.byKind(apiVersion, kind).catch(() => undefined)) ?? super.resource(apiVersion, kind, options);
  }
}

function withTypeMeta(o: KubeObject, r: ResolvedResource): KubeObject {
  return { ...o, apiVersion: o.apiVersion ?? r.apiVersion, kind: o.kind ?? r.kind };
}
