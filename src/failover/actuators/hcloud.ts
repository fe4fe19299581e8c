/**
 * Region kill of a live Sovereign: Hetzner Cloud power-off (a hard power cut, not an ACPI
 * shutdown) of every running server matching the region's label selector, token from
 * HCLOUD_TOKEN. The kill time is when the last power-off action reported success. Heal: power on
 * every matching server that is off (the ledger's `hcloud-power-on` step).
 * `HCLOUD_ENDPOINT` overrides the API base URL (tests use a local fake; never the real API).
 */
import type { RegionKillSpec } from '../../target/types.js';
import { registerSecret } from '../../evidence/redact.js';
import type { KillOutcome, KillPlan } from './types.js';

type HcloudSpec = Extract<RegionKillSpec, { kind: 'hcloud' }>;

export const HCLOUD_API = 'https://api.hetzner.cloud/v1';
const REQUEST_TIMEOUT_MS = 30_000;
const ACTION_TIMEOUT_MS = 120_000;
const ACTION_POLL_MS = 500;
const PAGE_SIZE = 50;

interface HcloudServer {
  id: number;
  name: string;
  status: string;
}

interface HcloudAction {
  id: number;
  status: 'running' | 'success' | 'error';
  error?: { code?: string; message?: string } | null;
}

export interface HcloudDeps {
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

class HcloudApi {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(
    env: NodeJS.ProcessEnv,
    private readonly fetchFn: typeof fetch,
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

  async powerOff(server: HcloudServer): Promise<HcloudAction> {
    return (await this.call<{ action: HcloudAction }>('POST', `/servers/${server.id}/actions/poweroff`)).action;
  }

  async waitAction(action: HcloudAction, what: string): Promise<void> {
    const deadline = Date.now() + ACTION_TIMEOUT_MS;
    let current = action;
    while (current.status === 'running') {
      if (Date.now() > deadline) throw new Error(`${what}: action ${current.id} still running after ${ACTION_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, ACTION_POLL_MS));
      current = (await this.call<{ action: HcloudAction }>('GET', `/actions/${current.id}`)).action;
    }
    if (current.status !== 'success') throw new Error(`${what}: action ${current.id} ${current.status}${current.error?.message ? ` (${current.error.message})` : ''}`);
  }
}

export function hcloudPlan(region: string, spec: HcloudSpec, deps: HcloudDeps = {}): KillPlan {
  return {
    actuator: 'hcloud',
    region,
    target: `${region}/hcloud servers [${spec.labelSelector}]`,
    description: `Hetzner Cloud power-off of every running server matching ${spec.labelSelector}`,
    strength: 'full',
    heal: `power on every server matching ${spec.labelSelector} that is off`,
    revert: [{ kind: 'hcloud-power-on', labelSelector: spec.labelSelector }],
    async apply(): Promise<KillOutcome> {
      const api = new HcloudApi(deps.env ?? process.env, deps.fetch ?? fetch);
      const servers = await api.servers(spec.labelSelector);
      if (!servers.length) throw new Error(`no Hetzner Cloud server matches ${spec.labelSelector}`);
      const running = servers.filter((s) => s.status === 'running');
      if (!running.length) throw new Error(`no server matching ${spec.labelSelector} is running (${servers.map((s) => `${s.name}: ${s.status}`).join(', ')})`);
      const issuedAt = Date.now();
      const actions = await Promise.all(running.map(async (s) => ({ server: s, action: await api.powerOff(s) })));
      await Promise.all(actions.map(({ server, action }) => api.waitAction(action, `power-off ${server.name}`)));
      return { issuedAt, killedAt: Date.now(), detail: `powered off ${running.map((s) => `${s.name} (${s.id})`).join(', ')}` };
    },
  };
}
