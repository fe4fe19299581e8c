/**
 * The cutover world of the embedded Sovereign, on real traffic: per region a policy agent (its
 * CNI) that turns the real API server's Cilium and Kubernetes network policies into the rules of
 * the region's egress proxy and, where the region is a host of its own, its nftables drops; the kubelet's image pulls and a host runtime that runs the walk's
 * Jobs (and the platform's step-08 Job) for real through that path; the state a finished
 * bp-self-sovereign-cutover left; the workloads whose health follows their upstream; the tether
 * faults and the platform's own step-08 loop for observe mode.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimContext } from '../context.js';
import { resolveBinary } from '../controlplane/assets.js';
import { MOTHERSHIP_HOSTS } from '../world/mothership.js';
import type { Tether } from './faults.js';
import { installEgressDependents } from './dependents.js';
import { installKubeletPulls } from './kubelet-pulls.js';
import { installPlatformHold } from './platform-hold.js';
import { HostPodRuntime } from './pod-runner.js';
import { PolicyAgent } from './policy-agent.js';
import { seedCutoverState } from './state.js';
import { seedCutoverWorld } from './world.js';
import './faults.js';

export { CUTOVER_FAULT_KINDS, TETHERS } from './faults.js';

export async function installCutover(ctx: SimContext): Promise<void> {
  const stops: (() => Promise<void> | void)[] = [];
  ctx.onStop(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });
  const onError = (err: unknown) => process.stderr.write(`[sim cutover] ${(err as Error).message}\n`);
  const tethers = new Set(ctx.faults.filter((f) => f.kind === 'tether').map((f) => f.arg as Tether));
  const roots = await readFile(ctx.world.pki.bundlePath, 'utf8');

  const mothership = ctx.world.mothership;
  const worldHosts = MOTHERSHIP_HOSTS.map((host) => ({ host, ...mothership.addressOf(host) }));
  // policy-agent:down: the CNI is not running; the policies stay objects in the API server.
  for (const region of ctx.faultActive('policy-agent', 'down') ? [] : ctx.regions) {
    const agent = await PolicyAgent.start(region, { sovereign: ctx.sovereign, poolDomain: ctx.poolDomain }, worldHosts);
    stops.push(() => agent.stop());
  }
  stops.push(await installKubeletPulls(ctx, roots));
  for (const region of ctx.regions) {
    const runtime = new HostPodRuntime({
      region,
      puller: { region, sovereign: ctx.sovereign, ca: roots },
      dir: join(ctx.dir, 'host-pods', region.name),
      rootsPem: roots,
      clusterCaPem: ctx.world.pki.ca.certPem,
      kubectl: resolveBinary('kubectl'),
      owner: ctx.world.owner,
    });
    runtime.start();
    stops.push(() => runtime.stop());
  }
  for (const region of ctx.regions) await seedCutoverState(region, region === ctx.primary && tethers.has('registries') ? 'v1' : 'v2');
  await seedCutoverWorld(ctx, (t) => tethers.has(t));
  for (const region of ctx.regions) stops.push(installEgressDependents(region, roots, onError));
  const hold = ctx.faults.find((f) => f.kind === 'cutover-hold')?.arg;
  if (hold !== undefined) stops.push(installPlatformHold(ctx.primary, Number(hold), onError));
}
