/**
 * Before any suite: every region answers with its own kubeconfig, Flux's HelmRelease API is
 * served, and the slots the target deploys beyond the kit are discovered. Problems are
 * SetupErrors (exit 2), so a broken set-up never looks like a failed Sovereign.
 */
import type { TargetSpec } from '../target/types.js';
import { RegionClient } from '../target/kube.js';
import { NotServedError, SetupError } from '../target/errors.js';
import { HELMRELEASES } from '../suites/readiness/sweep.js';
import type { Kit } from '../kit/types.js';
import type { DiscoveredSlot } from '../../probes/catalog.js';

export const SLOT_LABEL = 'catalyst.openova.io/slot';

export async function preflight(target: TargetSpec, kit: Kit): Promise<{ discovered: DiscoveredSlot[] }> {
  if (!target.regions.length) throw new SetupError(`no region to walk: pass --kubeconfig <region>=<path> for each region of ${target.sovereign}`);
  const clients = target.regions.map((r) => new RegionClient(r));
  try {
    return await discover(clients, kit);
  } finally {
    for (const c of clients) c.close();
  }
}

async function discover(clients: RegionClient[], kit: Kit): Promise<{ discovered: DiscoveredSlot[] }> {
  await Promise.all(clients.map((c) => c.ping()));
  await Promise.all(
    clients.map(async (c) => {
      try {
        await c.resolve(HELMRELEASES);
      } catch (e) {
        if (e instanceof NotServedError) throw new SetupError(`region ${c.name} does not serve ${HELMRELEASES} (missing CRD: is Flux installed?)`);
        throw new SetupError(`region ${c.name}: discovery failed: ${(e as Error).message}`);
      }
    }),
  );
  const primary = clients.find((c) => c.role === 'primary') ?? clients[0];
  const known = new Set(kit.slots.map((s) => s.name));
  const hrs = await primary.list(HELMRELEASES, { labelSelector: SLOT_LABEL });
  const discovered = hrs.items
    .filter((o) => !known.has(o.metadata.name))
    // The slot label's value (a label value: [A-Za-z0-9._-], possibly empty) becomes part of a gate id.
    .map((o) => ({ slot: o.metadata.labels?.[SLOT_LABEL] || 'unslotted', name: o.metadata.name, namespace: o.metadata.namespace ?? 'flux-system' }))
    .sort((a, b) => a.slot.localeCompare(b.slot, 'en', { numeric: true }));
  return { discovered };
}
