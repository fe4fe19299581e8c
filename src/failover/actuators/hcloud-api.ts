/**
 * The few Hetzner Cloud API calls the region kill and its heal make: list servers by label
 * selector (every page), read one server, power off / on, wait for an action. Token from
 * HCLOUD_TOKEN (registered as a secret); `HCLOUD_ENDPOINT` overrides the API base URL (tests use
 * a local fake; never the real API).
 */
import { registerSecret } from '../../evidence/redact.js';

const HCLOUD_API = 'https://api.hetzner.cloud/v1';
const REQUEST_TIMEOUT_MS = 30_000;
const ACTION_TIMEOUT_MS = 120_000;
const ACTION_POLL_MS = 500;
const PAGE_SIZE = 50;

export interface HcloudServer {
  id: number;
  name: string;
  status: string;
  labels?: Record<string, string>;
  public_net?: { ipv4?: { ip?: string } | null; ipv6?: { ip?: string } | null };
  private_net?: { ip?: string }[];
}

interface HcloudAction {
  id: number;
  status: 'running' | 'success' | 'error';
  error?: { code?: string; message?: string } | null;
}

export class HcloudApi {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(
    env: NodeJS.ProcessEnv,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    const token = env.HCLOUD_TOKEN;
    if (!token) throw new Error('HCLOUD_TOKEN is not set');
    registerSecret(token);
    this.base = (env.HCLOUD_ENDPOINT ?? HCLOUD_API).replace(/\/$/, '');
    this.headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  }

  private async call<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    const res = await this.fetchFn(`${this.base}${path}`, { method, headers: this.headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 200);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON: keep the excerpt
      }
      throw new Error(`hcloud ${method} ${path.split('?')[0]}: HTTP ${res.status}${message ? ` (${message})` : ''}`);
    }
    return JSON.parse(text) as T;
  }

  async servers(labelSelector: string): Promise<HcloudServer[]> {
    const out: HcloudServer[] = [];
    for (let page: number | null = 1; page !== null; ) {
      const body: { servers: HcloudServer[]; meta?: { pagination?: { next_page?: number | null } } } = await this.call(
        'GET',
        `/servers?label_selector=${encodeURIComponent(labelSelector)}&per_page=${PAGE_SIZE}&page=${page}`,
      );
      out.push(...body.servers);
      page = body.meta?.pagination?.next_page ?? null;
    }
    return out;
  }

  async server(id: number): Promise<HcloudServer> {
    return (await this.call<{ server: HcloudServer }>('GET', `/servers/${id}`)).server;
  }

  private async action(server: Pick<HcloudServer, 'id' | 'name'>, verb: 'poweroff' | 'poweron'): Promise<void> {
    const { action } = await this.call<{ action: HcloudAction }>('POST', `/servers/${server.id}/actions/${verb}`);
    const deadline = Date.now() + ACTION_TIMEOUT_MS;
    let current = action;
    while (current.status === 'running') {
      if (Date.now() > deadline) throw new Error(`${verb} ${server.name}: action ${current.id} still running after ${ACTION_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, ACTION_POLL_MS));
      current = (await this.call<{ action: HcloudAction }>('GET', `/actions/${current.id}`)).action;
    }
    if (current.status !== 'success') throw new Error(`${verb} ${server.name}: action ${current.id} ${current.status}${current.error?.message ? ` (${current.error.message})` : ''}`);
  }

  /** Powers off every server and waits for each action to succeed. */
  async powerOff(servers: readonly Pick<HcloudServer, 'id' | 'name'>[]): Promise<void> {
    await Promise.all(servers.map((s) => this.action(s, 'poweroff')));
  }

  /** Powers on those of `servers` that are not running (or starting); returns their names. */
  async powerOn(servers: readonly Pick<HcloudServer, 'id' | 'name'>[]): Promise<string[]> {
    const now = await Promise.all(servers.map((s) => this.server(s.id)));
    const off = now.filter((s) => s.status !== 'running' && s.status !== 'starting' && s.status !== 'initializing');
    await Promise.all(off.map((s) => this.action(s, 'poweron')));
    return off.map((s) => `${s.name} (${s.id})`);
  }
}

export function hcloudApi(env: NodeJS.ProcessEnv, fetchFn?: typeof fetch): HcloudApi {
  return new HcloudApi(env, fetchFn);
}

/** The addresses a server is known by (public IPv4, public IPv6 network's first address, private IPs). */
export function serverAddresses(s: HcloudServer): string[] {
  const v6 = s.public_net?.ipv6?.ip?.replace(/\/\d+$/, '');
  return [s.public_net?.ipv4?.ip, v6 && v6.endsWith('::') ? `${v6}1` : v6, ...(s.private_net ?? []).map((p) => p.ip)].filter((a): a is string => Boolean(a));
}
