/**
 * HTTPS to `<host>.<sov>` the same way for every target: DNS as usual, except hosts matched by
 * the target's resolve rules (curl --resolve semantics, wildcards allowed), which connect to the
 * given address:port with SNI and certificate checks still against the real host name.
 */
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, createSecureContext, rootCertificates, type PeerCertificate, type SecureContext } from 'node:tls';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import type { ResolveRule, TargetSpec } from './types.js';
import { redact } from '../evidence/redact.js';

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/** A request/response pair as evidence (redacted, body excerpt bounded). */
export interface HttpExchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body: string };
  error?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  issuerChain: string[];
  validFrom: string;
  validTo: string;
  daysLeft: number;
  authorized: boolean;
  authorizationError?: string;
}

const BODY_EXCERPT = 64 * 1024;

export function matchRule(rules: ResolveRule[], host: string, port: number): ResolveRule | undefined {
  return rules.find((r) => r.port === port && (r.host === host || (r.host.startsWith('*.') && host.endsWith(r.host.slice(1)))));
}

/**
 * One secure context per CA for the process: building one parses the whole root bundle (~40 ms of
 * CPU), and a walk makes an HttpClient per suite (the bench, one per sweep).
 */
const secureContexts = new Map<string, SecureContext>();

function secureContextFor(ca: string): SecureContext {
  let ctx = secureContexts.get(ca);
  if (!ctx) secureContexts.set(ca, (ctx = createSecureContext({ ca: [...rootCertificates, ca] })));
  return ctx;
}

export class HttpClient {
  readonly dispatcher: Dispatcher;
  private readonly ca?: string[];

  constructor(private readonly target: Pick<TargetSpec, 'resolve' | 'caFile'>) {
    const ca = target.caFile ? readFileSync(target.caFile, 'utf8') : undefined;
    this.ca = ca ? [...rootCertificates, ca] : undefined;
    // One secure context for every connection: parsing the root bundle per connection costs ~40 ms of CPU.
    const connector = buildConnector({ ...(ca ? { secureContext: secureContextFor(ca) } : {}), timeout: 10_000 });
    this.dispatcher = new Agent({
      connections: 16,
      connect: (opts, cb) => {
        const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
        const rule = matchRule(this.target.resolve, opts.hostname, port);
        if (!rule) return connector(opts, cb);
        return connector({ ...opts, hostname: rule.address, port: String(rule.targetPort), servername: opts.hostname }, cb);
      },
    });
  }

  async request(url: string, req: HttpRequest = {}): Promise<HttpExchange> {
    const method = req.method ?? 'GET';
    const headers = { 'user-agent': 'sovereign-walk', ...req.headers };
    const started = Date.now();
    const exchange: HttpExchange = {
      request: { method, url, headers: redactHeaders(headers), body: req.body === undefined ? undefined : redact(req.body) },
      startedAt: new Date(started).toISOString(),
      finishedAt: '',
      durationMs: 0,
    };
    try {
      const res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: req.body,
        dispatcher: this.dispatcher,
        headersTimeout: req.timeoutMs ?? 15_000,
        bodyTimeout: req.timeoutMs ?? 15_000,
        signal: AbortSignal.timeout(req.timeoutMs ?? 15_000),
      });
      const text = await res.body.text();
      exchange.response = { status: res.statusCode, headers: redactHeaders(flattenHeaders(res.headers)), body: redact(text.slice(0, BODY_EXCERPT)) };
      // Not enumerable: an exchange written as evidence must never carry the unredacted body.
      Object.defineProperty(exchange, 'fullBody', { value: text, enumerable: false });
    } catch (e) {
      exchange.error = describeNetError(e);
    }
    const finished = Date.now();
    exchange.finishedAt = new Date(finished).toISOString();
    exchange.durationMs = finished - started;
    return exchange;
  }

  /** The full (unredacted) body of an exchange, for checks that scan it; never written as evidence. */
  static fullBody(x: HttpExchange): string {
    return (x as HttpExchange & { fullBody?: string }).fullBody ?? x.response?.body ?? '';
  }

  /** The certificate the host serves, with its issuer chain, checked against the trusted roots. */
  peerCertificate(url: string, timeoutMs = 10_000): Promise<CertificateInfo> {
    const u = new URL(url);
    const port = Number(u.port) || 443;
    const rule = matchRule(this.target.resolve, u.hostname, port);
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: rule?.address ?? u.hostname, port: rule?.targetPort ?? port, servername: u.hostname, ca: this.ca, rejectUnauthorized: false, timeout: timeoutMs }, () => {
        const cert = socket.getPeerCertificate(true);
        const chain: string[] = [];
        let c: PeerCertificate | undefined = cert;
        const seen = new Set<string>();
        while (c && c.issuer && !seen.has(c.fingerprint256)) {
          seen.add(c.fingerprint256);
          chain.push(dn(c.issuer));
          c = (c as PeerCertificate & { issuerCertificate?: PeerCertificate }).issuerCertificate;
        }
        const validTo = new Date(cert.valid_to);
        resolve({
          subject: dn(cert.subject),
          issuer: dn(cert.issuer),
          issuerChain: chain,
          validFrom: new Date(cert.valid_from).toISOString(),
          validTo: validTo.toISOString(),
          daysLeft: Math.floor((validTo.getTime() - Date.now()) / 86_400_000),
          authorized: socket.authorized,
          authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined,
        });
        socket.end();
      });
      socket.on('timeout', () => socket.destroy(new Error(`TLS handshake with ${u.hostname} timed out`)));
      socket.on('error', reject);
    });
  }

  /** Chromium flags that give the browser the same host mapping as this client. */
  chromiumArgs(): string[] {
    if (!this.target.resolve.length) return [];
    const rules = this.target.resolve.map((r) => `MAP ${r.host}:${r.port} ${r.address}:${r.targetPort}`);
    return [`--host-resolver-rules=${rules.join(', ')}`];
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

function dn(x: object | undefined): string {
  if (!x) return '';
  return Object.entries(x as Record<string, string | string[] | undefined>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

const SECRET_HEADERS = /^(authorization|cookie|set-cookie|proxy-authorization|x-api-key)$/i;

function redactHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k] = SECRET_HEADERS.test(k) ? '[REDACTED]' : redact(v);
  return out;
}

function describeNetError(e: unknown): string {
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return [err?.cause?.code ?? err?.code, err?.cause?.message ?? err?.message].filter(Boolean).join(': ');
}
