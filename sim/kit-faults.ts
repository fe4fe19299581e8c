/**
 * The bootstrap-kit faults, each through a mechanism a real Sovereign has: a change pushed to its
 * GitOps repository that the real Flux controllers act on.
 *   hr-stuck:<slot>          the release pins a chart version whose manifest the API server cannot map
 *                            (a ServiceMonitor without the Prometheus Operator's CRDs): install fails
 *                            before storing a release, so Flux retries it with back-off and never
 *                            counts it for remediation (InstallFailed, never Stalled)
 *   hr-flap:<slot>           once Ready, the release is upgraded to that broken version and back, again
 *                            and again: Ready=False (UpgradeFailed) episodes
 *   surface-down:<slot>      the release's containers crash (a bad value); its workloads never become
 *                            available, its product never answers, its operator writes nothing
 *   suspended:<slot>         spec.suspend: true
 *   stale-generation:<slot>  once Ready, the release is moved to a shard no helm-controller serves and
 *                            its values change: generation moves on, observedGeneration never does
 *   upgrade:<slot>           once Ready, its image tag changes: a real upgrade (Ready=Unknown/Progressing,
 *                            then Ready=True) that a walk must judge healthy
 */
import { registerFaultKinds, slotArg, type SimFaultKind } from './faults.js';
import type { GitOps, SimFault } from './context.js';
import { SHARD_KEY } from './controlplane/flux.js';
import { CONTAINER_STATE } from './controlplane/kwok-config.js';
import type { ReleaseEdit } from './gitops/kit-repo.js';
import type { Informer } from './kube-client/api.js';
import type { Kit } from '../src/kit/types.js';

export const KIT_FAULT_KINDS: readonly SimFaultKind[] = [
  { kind: 'hr-stuck', argName: '<slot>', needsArg: true, validate: slotArg, description: 'the HelmRelease pins a chart version the API server cannot install (no matches for kind ServiceMonitor): InstallFailed, retried with back-off, never Stalled (no release was stored to remediate)' },
  { kind: 'hr-flap', argName: '<slot>', needsArg: true, validate: slotArg, description: 'once Ready, the HelmRelease is upgraded to a broken chart version and back, repeatedly: Ready=False (UpgradeFailed) episodes' },
  { kind: 'surface-down', argName: '<slot>', needsArg: true, validate: slotArg, description: "the release's containers crash-loop: workloads never available, its product never answers, its operator writes no status" },
  { kind: 'suspended', argName: '<slot>', needsArg: true, validate: slotArg, description: 'the HelmRelease has spec.suspend: true and is never reconciled' },
  { kind: 'stale-generation', argName: '<slot>', needsArg: true, validate: slotArg, description: 'once Ready, the HelmRelease moves to a shard no helm-controller serves and its values change: observedGeneration < generation' },
  { kind: 'upgrade', argName: '<slot>', needsArg: true, validate: slotArg, description: 'once Ready, the release is upgraded (image tag): Ready=Unknown/Progressing, then Ready=True again; a walk must judge it healthy' },
];
registerFaultKinds(KIT_FAULT_KINDS);

const CRASH = { podAnnotations: { [CONTAINER_STATE]: 'CrashLoopBackOff' } };
const FLAP_PERIOD_MS = 4_000;

function version(kit: Kit, slot: string): string {
  return kit.slots.find((s) => s.name === slot)?.version ?? '1.0.0';
}

/** How the GitOps repository states each faulted release when the Sovereign starts. */
export function initialEdits(faults: readonly SimFault[], kit: Kit): Map<string, ReleaseEdit> {
  const edits = new Map<string, ReleaseEdit>();
  const merge = (slot: string, e: ReleaseEdit) => edits.set(slot, { ...edits.get(slot), ...e });
  for (const f of faults) {
    if (!f.arg) continue;
    if (f.kind === 'hr-stuck') merge(f.arg, { chartVersion: `${version(kit, f.arg)}-broken.1` });
    if (f.kind === 'surface-down') merge(f.arg, { values: CRASH });
    if (f.kind === 'suspended') merge(f.arg, { suspend: true });
  }
  return edits;
}

function ready(hr: { metadata: { generation?: number }; status?: Record<string, unknown> } | undefined): boolean {
  const s = hr?.status as { observedGeneration?: number; conditions?: { type: string; status: string }[] } | undefined;
  return !!hr && s?.observedGeneration === hr.metadata.generation && !!s?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The faults that act once their release is Ready in the primary region (every region reads the
 * same repository); returns a stop function.
 */
export function runLaterFaults(faults: readonly SimFault[], kit: Kit, gitops: GitOps, primaryHrs: Informer, onError: (err: unknown) => void): () => void {
  let flapTimer: NodeJS.Timeout | undefined;
  const unsubscribes: (() => void)[] = [];
  const once = (slot: string, act: () => Promise<void>) => {
    let done = false;
    unsubscribes.push(primaryHrs.on((type, hr) => {
      if (done || type === 'DELETED' || hr.metadata.name !== slot || !ready(hr)) return;
      done = true;
      act().catch(onError);
    }));
  };
  for (const f of faults) {
    const slot = f.arg;
    if (!slot) continue;
    if (f.kind === 'stale-generation') {
      once(slot, async () => {
        gitops.edit(slot, { labels: { [SHARD_KEY]: 'shard-unserved' }, values: { replicas: 2 } });
        await gitops.push(`move ${slot} to shard-unserved`);
      });
    }
    if (f.kind === 'upgrade') {
      once(slot, async () => {
        gitops.edit(slot, { values: { image: { tag: `${version(kit, slot)}-1` } } });
        await gitops.push(`upgrade ${slot}`);
      });
    }
    if (f.kind === 'hr-flap') {
      once(slot, async () => {
        let broken = false;
        const flip = async () => {
          broken = !broken;
          gitops.edit(slot, broken ? { chartVersion: `${version(kit, slot)}-broken.1`, upgradeRetries: 0 } : { chartVersion: version(kit, slot) });
          await gitops.push(`${broken ? 'break' : 'fix'} ${slot}`);
          flapTimer = setTimeout(() => void flip().catch(onError), FLAP_PERIOD_MS);
        };
        await flip();
      });
    }
  }
  return () => {
    clearTimeout(flapTimer);
    for (const u of unsubscribes) u();
  };
}
