/**
 * Region kill of a live Sovereign: Hetzner Cloud power-off (a hard power cut, not an ACPI
 * shutdown) of the servers the operator's label selector names, once they are shown to be
 * exactly the region's nodes (hcloud-scope.ts). The plan lists them before anything is done;
 * the ledger records exactly the running ones, which are powered off, and the heal powers on
 * exactly those. The kill time is when the last power-off action reported success.
 */
import type { RegionClient } from '../../target/kube.js';
import type { RegionKillSpec } from '../../target/types.js';
import { hcloudApi } from './hcloud-api.js';
import { hcloudKillScope } from './hcloud-scope.js';
import type { KillOutcome, KillPlan } from './types.js';

type HcloudSpec = Extract<RegionKillSpec, { kind: 'hcloud' }>;

export interface HcloudDeps {
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

export async function hcloudPlan(client: Pick<RegionClient, 'name' | 'list'>, spec: HcloudSpec, deps: HcloudDeps = {}): Promise<KillPlan> {
  const api = hcloudApi(deps.env ?? process.env, deps.fetch);
  const scope = await hcloudKillScope(client, spec.labelSelector, api);
  const running = scope.matched.filter((m) => m.server.status === 'running').map((m) => ({ id: m.server.id, name: m.server.name }));
  if (!running.length) throw new Error(`no server of ${client.name} matching ${spec.labelSelector} is running (${scope.matched.map((m) => `${m.server.name}: ${m.server.status}`).join(', ')})`);
  const names = running.map((s) => `${s.name} (${s.id})`).join(', ');
  return {
    actuator: 'hcloud',
    region: client.name,
    target: `${client.name}/hcloud servers ${names}`,
    description: `Hetzner Cloud power-off of ${names} [${spec.labelSelector}], the region's nodes ${scope.matched.map((m) => m.node).join(', ')}`,
    strength: 'full',
    heal: `power on ${names}`,
    revert: [{ kind: 'hcloud-power-on', servers: running }],
    scope,
    async apply(): Promise<KillOutcome> {
      const issuedAt = Date.now();
      await api.powerOff(running);
      return { issuedAt, killedAt: Date.now(), detail: `powered off ${names}` };
    },
  };
}
