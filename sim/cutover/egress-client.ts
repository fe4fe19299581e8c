/**
 * A request the way a workload of a region makes it: a CONNECT through the region's egress proxy
 * under the source's identity, TLS trusting what a container image trusts (the world's roots),
 * then one HTTP/1.1 GET whose status line is the answer. A connection the policies drop is never
 * answered, so the request ends at its own timeout, as a real one does.
 */
import { request as httpRequest } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';

export type Reach = { ok: true; status: number } | { ok: false; error: 'timeout' | 'unresolved' | 'failed'; detail: string };

export interface ReachOptions {
  proxyUrl: string;
  /** Identity the proxy judges (`<namespace>/<pod>`, a namespace, reserved:host). */
  from: string;
  url: string;
  timeoutMs: number;
  /** PEM roots for the destination's certificate. */
  ca: string;
}

export function reach(o: ReachOptions): Promise<Reach> {
  const target = new URL(o.url);
  const https = target.protocol === 'https:';
  const authority = `${target.hostname}:${Number(target.port) || (https ? 443 : 80)}`;
  const proxy = new URL(o.proxyUrl);
  return new Promise((resolve) => {
    const streams: Duplex[] = [];
    const finish = (r: Reach) => {
      clearTimeout(timer);
      for (const s of streams) s.destroy();
      req.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, error: 'timeout', detail: 'i/o timeout' }), o.timeoutMs);
    const req = httpRequest({
      host: proxy.hostname,
      port: proxy.port,
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, 'proxy-authorization': `Basic ${Buffer.from(`${encodeURIComponent(o.from)}:`).toString('base64')}` },
    });
    req.on('error', (e) => finish({ ok: false, error: 'failed', detail: e.message }));
    req.on('connect', (res, socket) => {
      streams.push(socket);
      if (res.statusCode !== 200) {
        finish({ ok: false, error: res.statusCode === 502 ? 'unresolved' : 'failed', detail: `proxy answered ${res.statusCode}` });
        return;
      }
      const stream = https ? tlsConnect({ socket, servername: target.hostname, ca: o.ca }) : socket;
      streams.push(stream);
      let head = '';
      stream.on('error', (e) => finish({ ok: false, error: 'failed', detail: e.message }));
      stream.on('end', () => finish({ ok: false, error: 'failed', detail: 'connection closed before an answer' }));
      stream.on('data', (chunk: Buffer) => {
        head += chunk.toString('latin1');
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
        if (status) finish({ ok: true, status: Number(status[1]) });
      });
      const send = () => stream.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: sovereign-walk-sim\r\nConnection: close\r\n\r\n`);
      if (https) stream.once('secureConnect', send);
      else send();
    });
    req.end();
  });
}
