/**
 * A read-only OCI distribution registry holding Helm charts (the Sovereign's Harbor at
 * `registry.<sov>`, the mothership's `ghcr.io`): `/v2/`, manifests by tag or digest, blobs and tag
 * lists, as Helm's OCI client (ORAS) pulls them, behind the token authentication of Docker's
 * distribution spec that Harbor and GHCR use: an anonymous request gets a Bearer challenge naming
 * the token realm, the realm trades robot credentials (Basic) for a token, and requests carry it.
 * Charts are pushed as Helm pushes them: a config blob with the chart's metadata and one
 * chart-content layer.
 */
import { createHash, randomBytes } from 'node:crypto';
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

export interface RegistryAuth {
  /** The token endpoint's URL (`https://registry.<sov>/service/token`); its path is served here too. */
  realm: string;
  service: string;
  /** `user:password` pairs the token endpoint accepts. */
  credentials: string[];
}

const TOKEN_TTL_S = 1800;

export class OciRegistry {
  private readonly blobs = new Map<string, Blob>();
  /** repository → tag → manifest digest */
  private readonly tags = new Map<string, Map<string, string>>();
  private readonly tokens = new Map<string, number>();

  constructor(private readonly auth: RegistryAuth) {}

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
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const expires = m ? this.tokens.get(m[1]) : undefined;
    return expires !== undefined && expires > Date.now();
  }

  /** The realm: robot credentials (Basic) for a bearer token, as Harbor's /service/token answers. */
  private token(req: IncomingMessage, res: ServerResponse): void {
    const header = req.headers.authorization ?? '';
    const basic = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString() : '';
    if (!this.auth.credentials.includes(basic)) {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Basic realm="harbor"' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized: authentication required' }] }));
      return;
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, Date.now() + TOKEN_TTL_S * 1000);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: TOKEN_TTL_S, issued_at: new Date().toISOString() }));
  }

  /** The HTTP handler (mount it on the registry's host). */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    const url = new URL(req.url ?? '/', 'https://registry.invalid');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return error(res, 405, 'UNSUPPORTED', 'the operation is unsupported');
    if (path === new URL(this.auth.realm).pathname) return this.token(req, res);
    if (!this.authorized(req)) {
      const m = /^\/v2\/(.+)\/(manifests|blobs|tags)\//.exec(path);
      const scope = m ? `,scope="repository:${m[1]}:pull"` : '';
      return error(res, 401, 'UNAUTHORIZED', 'unauthorized: unauthorized', { 'WWW-Authenticate': `Bearer realm="${this.auth.realm}",service="${this.auth.service}"${scope}` });
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
