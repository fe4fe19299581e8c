/**
 * A read-only OCI distribution registry holding Helm charts (the Sovereign's Harbor at
 * `registry.<sov>`, the mothership's `ghcr.io`): `/v2/`, manifests by tag or digest, blobs and tag
 * lists, as Helm's OCI client (ORAS) pulls them, behind Basic authentication like a registry with
 * robot accounts. Charts are pushed as Helm pushes them: a config blob with the chart's metadata and
 * one chart-content layer.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
const HELM_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

interface Blob {
  mediaType: string;
  data: Buffer;
}

function digestOf(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function error(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Docker-Distribution-API-Version': 'registry/2.0', ...headers });
  res.end(JSON.stringify({ errors: [{ code, message, detail: null }] }));
}

export class OciRegistry {
  private readonly blobs = new Map<string, Blob>();
  /** repository → tag → manifest digest */
  private readonly tags = new Map<string, Map<string, string>>();

  /** `credentials` are `user:password` pairs a pull may present; none means anonymous pulls. */
  constructor(private readonly realm: string, private readonly credentials: string[] = []) {}

  /** Pushes a packaged chart as `<repository>:<version>`; returns the manifest digest. */
  pushChart(repository: string, chart: { name: string; version: string; appVersion?: string; description?: string }, tgz: Buffer): string {
    const config = Buffer.from(JSON.stringify({ name: chart.name, version: chart.version, apiVersion: 'v2', ...(chart.appVersion ? { appVersion: chart.appVersion } : {}), ...(chart.description ? { description: chart.description } : {}) }));
    const configDigest = this.put(HELM_CONFIG, config);
    const layerDigest = this.put(HELM_LAYER, tgz);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: { mediaType: HELM_CONFIG, digest: configDigest, size: config.length },
      layers: [{ mediaType: HELM_LAYER, digest: layerDigest, size: tgz.length }],
      annotations: { 'org.opencontainers.image.title': chart.name, 'org.opencontainers.image.version': chart.version },
    }));
    const digest = this.put(MANIFEST, manifest);
    const repo = this.tags.get(repository) ?? new Map<string, string>();
    repo.set(chart.version, digest);
    this.tags.set(repository, repo);
    return digest;
  }

  private put(mediaType: string, data: Buffer): string {
    const digest = digestOf(data);
    this.blobs.set(digest, { mediaType, data });
    return digest;
  }

  private authorized(req: IncomingMessage): boolean {
    if (!this.credentials.length) return true;
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    return this.credentials.includes(Buffer.from(header.slice(6), 'base64').toString());
  }

  /** The HTTP handler (mount it on the registry's host). */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    const url = new URL(req.url ?? '/', 'https://registry.invalid');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return error(res, 405, 'UNSUPPORTED', 'the operation is unsupported');
    if (!this.authorized(req)) {
      return error(res, 401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': `Basic realm="${this.realm}"` });
    }
    if (path === '/v2/' || path === '/v2') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Docker-Distribution-API-Version': 'registry/2.0' }).end('{}');
      return;
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(path);
    if (!m) return error(res, 404, 'NOT_FOUND', 'not found');
    const [, repository, what, ref] = m;
    const repo = this.tags.get(repository);
    if (what === 'tags') {
      if (!repo) return error(res, 404, 'NAME_UNKNOWN', `repository name not known to registry: ${repository}`);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ name: repository, tags: [...repo.keys()].sort() }));
      return;
    }
    const digest = what === 'manifests' && !ref.startsWith('sha256:') ? repo?.get(ref) : ref;
    const blob = digest ? this.blobs.get(digest) : undefined;
    if (!repo || !blob || !digest) {
      return error(res, 404, what === 'manifests' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN', `${what === 'manifests' ? 'manifest' : 'blob'} unknown: ${repository}:${ref}`);
    }
    res.writeHead(200, {
      'Content-Type': what === 'manifests' ? blob.mediaType : 'application/octet-stream',
      'Content-Length': String(blob.data.length),
      'Docker-Content-Digest': digest,
      'Docker-Distribution-API-Version': 'registry/2.0',
    });
    res.end(req.method === 'HEAD' ? undefined : blob.data);
  };
}
