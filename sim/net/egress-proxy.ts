/**
 * A region's network as its controllers see it: the Flux controllers run as host processes with
 * HTTPS_PROXY/HTTP_PROXY pointing here, and this proxy is their DNS, their service routing and
 * their egress path. Cluster names (`<svc>.<ns>.svc.cluster.local`) resolve through the region's
 * own Services and EndpointSlices to pod IPs; the world's named hosts (the mothership, the
 * Sovereign's public hosts) to the servers that play them. Before a connection is made the
 * region's egress rules are asked; a denied connection is dropped: the client's request is never
 * answered, as a packet a firewall drops is never answered, until the client gives up.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface Destination {
  host: string;
  port: number;
}

export interface Resolved {
  address: string;
  port: number;
  /** What the name is: a Service of the cluster, or a host outside it. */
  scope: 'cluster' | 'external';
}

export interface EgressRules {
  /** Whether the region lets its controllers (namespace `fromNamespace`) reach `to`. */
  allows(fromNamespace: string, to: Destination, resolved: Resolved): boolean;
}

export interface EgressProxyOptions {
  /** The namespace the proxy's clients run in (the Flux controllers: flux-system). */
  namespace: string;
  resolve(to: Destination): Promise<Resolved | undefined>;
  rules: EgressRules;
  /** Records every connection attempt (the cutover suite's evidence reads them from the region). */
  onAttempt?(attempt: { at: number; from: string; to: Destination; outcome: 'allowed' | 'dropped' | 'unresolved' }): void;
}

export interface EgressProxy {
  url: string;
  /** Replaces the region's egress rules (the policy agent installs its own). */
  setRules(rules: EgressRules): void;
  close(): Promise<void>;
}

/**
 * Who is connecting: a pod's runtime sends its pods' traffic here as proxy user `<namespace>/<pod>`
 * (the identity Cilium reads off a packet's source), the node's own traffic as `reserved:host`;
 * a client that names nobody is one of the proxy's own (the Flux controllers).
 */
function sourceOf(req: IncomingMessage, fallback: string): string {
  const m = /^Basic\s+(\S+)/i.exec(String(req.headers['proxy-authorization'] ?? ''));
  if (!m) return fallback;
  const credentials = Buffer.from(m[1], 'base64').toString();
  const colon = credentials.lastIndexOf(':');
  const user = colon < 0 ? credentials : credentials.slice(0, colon);
  try {
    return decodeURIComponent(user) || fallback;
  } catch {
    return fallback;
  }
}

export async function startEgressProxy(o: EgressProxyOptions): Promise<EgressProxy> {
  const held = new Set<Socket>();
  const tunnels = new Set<Socket>();
  let rules = o.rules;
  const decide = async (from: string, to: Destination): Promise<Resolved | 'unresolved' | 'dropped'> => {
    const resolved = await o.resolve(to);
    const outcome = !resolved ? 'unresolved' : rules.allows(from, to, resolved) ? 'allowed' : 'dropped';
    o.onAttempt?.({ at: Date.now(), from, to, outcome });
    return outcome === 'allowed' ? resolved! : outcome;
  };
  const hold = (socket: Socket) => {
    // A dropped connection: nothing is ever sent back; the client's own timeout ends it.
    held.add(socket);
    socket.on('close', () => held.delete(socket));
    socket.on('error', () => {});
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URL required\n');
      return;
    }
    const to = { host: target.hostname, port: Number(target.port) || 80 };
    void decide(sourceOf(req, o.namespace), to).then((d) => {
      if (d === 'dropped') return hold(req.socket);
      if (d === 'unresolved') {
        res.writeHead(502, { 'Content-Type': 'text/plain' }).end(`dial tcp: lookup ${to.host}: no such host\n`);
        return;
      }
      const upstream = httpRequest({ host: d.address, port: d.port, method: req.method, path: target.pathname + target.search, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
        res.end(`dial tcp ${d.address}:${d.port}: ${err.message}\n`);
      });
      req.pipe(upstream);
    });
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const [host, port] = (req.url ?? '').split(':');
    const to = { host, port: Number(port) || 443 };
    client.on('error', () => {});
    // A tunnel is no longer the server's connection: close() must end it itself.
    tunnels.add(client);
    client.on('close', () => tunnels.delete(client));
    void decide(sourceOf(req, o.namespace), to).then((d) => {
      if (d === 'dropped') return hold(client);
      if (d === 'unresolved') {
        client.end(`HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\n\r\ndial tcp: lookup ${host}: no such host\n`);
        return;
      }
      const upstream = connect(d.port, d.address, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', (err) => client.end(`HTTP/1.1 502 Bad Gateway\r\n\r\ndial tcp ${d.address}:${d.port}: ${err.message}\n`));
      client.on('close', () => upstream.destroy());
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setRules(r) {
      rules = r;
    },
    async close() {
      for (const s of [...held, ...tunnels]) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
