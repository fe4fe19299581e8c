/**
 * The embedded Sovereign's hardware as its provider shows it: a Hetzner Cloud API model serving
 * what the harness's hcloud actuator calls (src/failover/actuators/hcloud-api.ts) the way
 * api.hetzner.cloud/v1 answers it: servers by `label_selector` with paging, one server, the
 * `poweroff` / `poweron` actions (`stop_server` / `start_server`, `running` then `success`) and
 * `GET /actions/<id>`; errors as `{"error":{"code","message"}}`. Plain HTTP on 127.0.0.1 with a
 * bearer token of its own (the walk gets HCLOUD_ENDPOINT and HCLOUD_TOKEN).
 *
 * One server per Node of each region, as the cloud controller registered them (name = node name,
 * id = the node's `hcloud://<id>`), labelled with the Sovereign and the region. A region's nodes
 * share its host (one network namespace), so the host loses power when the last of its servers is
 * powered off (the power switch: link pulled, every process killed) and boots when the first is
 * powered on again: the link back at once (the action succeeds then, as a real one does when the
 * machine starts), its processes started behind it, as an OS boots after the power-on.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SOVEREIGN_LABEL = 'openova.io/sovereign';
export const REGION_LABEL = 'openova.io/region';
const MAX_PER_PAGE = 50;
const DEFAULT_PER_PAGE = 25;

export interface HcloudRegion {
  name: string;
  servers: { id: number; name: string; type: string; location: string }[];
  /** Cuts the host's power (returns what the switch said). */
  powerOff(): Promise<string>;
  /** Restores the host's power (its link). */
  powerOn(): Promise<void>;
  /** Starts the host's processes after the power-on; runs after the action has succeeded. */
  boot(): Promise<void>;
}

export interface HcloudModel {
  /** Base URL, as HCLOUD_ENDPOINT (`http://127.0.0.1:<port>/v1`). */
  endpoint: string;
  token: string;
  /** The label selector naming exactly the servers of `region`. */
  labelSelector(region: string): string;
  /** Settles once the boots started so far have finished (or failed). */
  booted(): Promise<void>;
  close(): Promise<void>;
}

type Status = 'running' | 'off' | 'starting';

interface Server {
  id: number;
  name: string;
  type: string;
  location: string;
  status: Status;
  created: string;
  labels: Record<string, string>;
  region: RegionState;
}

interface RegionState {
  spec: HcloudRegion;
  powered: boolean;
  /** Power operations of one host run one after another. */
  queue: Promise<void>;
  servers: Server[];
}

interface Action {
  id: number;
  command: 'stop_server' | 'start_server';
  status: 'running' | 'success' | 'error';
  progress: number;
  started: string;
  finished: string | null;
  resources: { id: number; type: 'server' }[];
  error: { code: string; message: string } | null;
}

type Requirement = (labels: Record<string, string>) => boolean;

/** Hetzner Cloud's label selector: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, comma-separated. */
export function parseLabelSelector(selector: string): Requirement[] {
  if (!selector.trim()) return [];
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map((raw) => {
    const term = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = term.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/))) {
      const [, key, op, value] = m;
      return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
    }
    if ((m = term.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      const [, key, op, list] = m;
      const values = list.split(',').map((v) => v.trim());
      return op === 'in' ? (l) => key in l && values.includes(l[key]) : (l) => !(key in l) || !values.includes(l[key]);
    }
    if ((m = term.match(/^(!?)([\w./-]+)$/))) {
      const [, not, key] = m;
      return not ? (l) => !(key in l) : (l) => key in l;
    }
    throw new Error(`invalid label selector term "${term}"`);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { error: { code, message, details: null } });
}

export async function startHcloudModel(opts: { sovereign: string; regions: HcloudRegion[]; log: (line: string) => void }): Promise<HcloudModel> {
  const token = randomBytes(24).toString('base64url');
  const created = new Date().toISOString();
  const servers = new Map<number, Server>();
  for (const spec of opts.regions) {
    const region: RegionState = { spec, powered: true, queue: Promise.resolve(), servers: [] };
    for (const s of spec.servers) {
      const server: Server = { ...s, status: 'running', created, labels: { [SOVEREIGN_LABEL]: opts.sovereign, [REGION_LABEL]: spec.name }, region };
      region.servers.push(server);
      servers.set(s.id, server);
    }
  }
  const actions = new Map<number, Action>();
  const boots = new Set<Promise<void>>();
  let nextAction = 1;

  const view = (s: Server) => ({
    id: s.id,
    name: s.name,
    status: s.status,
    created: s.created,
    labels: s.labels,
    locked: false,
    public_net: { ipv4: null, ipv6: null, floating_ips: [], firewalls: [] },
    private_net: [],
    server_type: { name: s.type },
    datacenter: { name: `${s.location}-dc14`, location: { name: s.location } },
    protection: { delete: false, rebuild: false },
  });

  /** Starts an action on `server`: `work` runs on the host's queue; the action succeeds or fails with it. */
  const act = (server: Server, command: Action['command'], work: () => Promise<void>): Action => {
    const action: Action = { id: nextAction++, command, status: 'running', progress: 0, started: new Date().toISOString(), finished: null, resources: [{ id: server.id, type: 'server' }], error: null };
    actions.set(action.id, action);
    const region = server.region;
    region.queue = region.queue.then(work).then(
      () => {
        Object.assign(action, { status: 'success', progress: 100, finished: new Date().toISOString() });
      },
      (err: unknown) => {
        Object.assign(action, { status: 'error', finished: new Date().toISOString(), error: { code: 'action_failed', message: (err as Error).message } });
        opts.log(`hcloud ${command} ${server.name}: ${(err as Error).message}`);
      },
    );
    return action;
  };

  const powerOff = (server: Server): Action =>
    act(server, 'stop_server', async () => {
      server.status = 'off';
      const region = server.region;
      if (!region.powered || region.servers.some((s) => s.status !== 'off')) return;
      const said = await region.spec.powerOff();
      region.powered = false;
      opts.log(`hcloud: ${region.spec.name} powered off (${said})`);
    });

  const powerOn = (server: Server): Action => {
    if (server.status === 'off') server.status = 'starting';
    return act(server, 'start_server', async () => {
      const region = server.region;
      if (!region.powered) {
        await region.spec.powerOn();
        region.powered = true;
        opts.log(`hcloud: ${region.spec.name} powered on; booting`);
        const boot = region.spec.boot().then(
          () => opts.log(`hcloud: ${region.spec.name} booted`),
          (err: unknown) => opts.log(`hcloud: ${region.spec.name} boot failed: ${(err as Error).message}`),
        );
        boots.add(boot);
        void boot.finally(() => boots.delete(boot));
      }
      server.status = 'running';
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers.authorization !== `Bearer ${token}`) return fail(res, 401, 'unauthorized', 'unable to authenticate');
    const url = new URL(req.url ?? '/', 'http://hcloud');
    const path = url.pathname.replace(/^\/v1/, '');
    let m: RegExpMatchArray | null;
    if (req.method === 'GET' && path === '/servers') {
      let match: Requirement[] = [];
      try {
        match = parseLabelSelector(url.searchParams.get('label_selector') ?? '');
      } catch (err) {
        return fail(res, 400, 'invalid_input', (err as Error).message);
      }
      const all = [...servers.values()].filter((s) => match.every((r) => r(s.labels)));
      const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Number(url.searchParams.get('per_page') ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE));
      const lastPage = Math.max(1, Math.ceil(all.length / perPage));
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
      const pagination = { page, per_page: perPage, previous_page: page > 1 ? page - 1 : null, next_page: page < lastPage ? page + 1 : null, last_page: lastPage, total_entries: all.length };
      return send(res, 200, { servers: all.slice((page - 1) * perPage, page * perPage).map(view), meta: { pagination } });
    }
    if ((m = path.match(/^\/servers\/(\d+)(\/actions\/(poweroff|poweron))?$/))) {
      const server = servers.get(Number(m[1]));
      if (!server) return fail(res, 404, 'not_found', `server with ID '${m[1]}' not found`);
      if (req.method === 'GET' && !m[2]) return send(res, 200, { server: view(server) });
      if (req.method === 'POST' && m[3]) return send(res, 201, { action: m[3] === 'poweroff' ? powerOff(server) : powerOn(server) });
    }
    if (req.method === 'GET' && (m = path.match(/^\/actions\/(\d+)$/))) {
      const action = actions.get(Number(m[1]));
      return action ? send(res, 200, { action }) : fail(res, 404, 'not_found', `action with ID '${m[1]}' not found`);
    }
    fail(res, 404, 'not_found', `${req.method ?? 'GET'} ${url.pathname} not found`);
  };

  const http = createServer((req, res) => {
    // The actions' bodies are empty: drain whatever comes, then answer.
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  const { port } = http.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/v1`,
    token,
    labelSelector: (region) => `${SOVEREIGN_LABEL}=${opts.sovereign},${REGION_LABEL}=${region}`,
    booted: async () => {
      await Promise.all([...boots]);
    },
    close: async () => {
      await Promise.all([...boots]);
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
