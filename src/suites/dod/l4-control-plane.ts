/**
 * L4: the catalyst control-plane pods are Ready. The primary region must run each component;
 * any other region that runs it must have it Ready too. Restart counts are metrics.
 */
import type { RegionSpec } from '../../target/types.js';
import { condition, type KubeObject } from '../../target/objects.js';
import { gateId, listSome, type DodCheckSpec } from './check.js';

export const CONTROL_PLANE_NAMESPACE = 'catalyst-system';

export const CONTROL_PLANE_COMPONENTS = [
  'catalyst-api',
  'catalyst-ui',
  'catalyst-catalog',
  'application-controller',
  'organization-controller',
  'environment-controller',
  'useraccess-controller',
  'marketplace-api',
] as const;

interface PodRow {
  name: string;
  ready: boolean;
  phase: string;
  restarts: number;
  waiting?: string;
}

function podRow(p: KubeObject): PodRow {
  const st = p.status as { phase?: string; containerStatuses?: { restartCount?: number; state?: { waiting?: { reason?: string } } }[] } | undefined;
  const containers = st?.containerStatuses ?? [];
  const waiting = containers.map((c) => c.state?.waiting?.reason).find(Boolean);
  return {
    name: p.metadata.name,
    ready: condition(p, 'Ready')?.status === 'True',
    phase: st?.phase ?? 'Unknown',
    restarts: containers.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    waiting,
  };
}

export function controlPlaneChecks(regions: RegionSpec[]): DodCheckSpec[] {
  return CONTROL_PLANE_COMPONENTS.map(
    (component): DodCheckSpec => ({
      key: `L4.${component}`,
      layer: 'L4',
      text: `${component} pods Ready (${CONTROL_PLANE_NAMESPACE}, every region running it)`,
      judge: async (s, g) => {
        const problems: string[] = [];
        const seen: string[] = [];
        const evidence: Record<string, PodRow[]> = {};
        for (const r of regions) {
          const reach = await s.reachable(r.name);
          if (!reach.ok) return g.block(gateId(`L2.${r.name}.api`), `API of ${r.name} unreachable: ${reach.reason}`);
          const pods = (await s.list(r.name, 'pods', { namespace: CONTROL_PLANE_NAMESPACE }))
            .filter((p) => p.metadata.labels?.['app.kubernetes.io/name'] === component && !p.metadata.deletionTimestamp)
            .map(podRow);
          evidence[r.name] = pods;
          const restarts = pods.reduce((n, p) => n + p.restarts, 0);
          g.metric(`restarts.${r.name}`, pods.length ? restarts : null);
          if (!pods.length) {
            if (r.role === 'primary') problems.push(`no ${component} pod in ${r.name} (primary)`);
            continue;
          }
          const bad = pods.filter((p) => !p.ready).map((p) => `${CONTROL_PLANE_NAMESPACE}/${p.name} in ${r.name} not Ready (${p.waiting ?? p.phase})`);
          problems.push(...bad);
          seen.push(`${r.name}: ${pods.length - bad.length}/${pods.length} Ready, ${restarts} restarts`);
          g.addStep({ name: `pods in ${r.name}`, status: bad.length ? 'failed' : 'passed', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), detail: pods.map((p) => `${p.name} ready=${p.ready} restarts=${p.restarts}`).join('; ') });
        }
        g.attach(s.h.evidence.json(`dod-pods-${component}`, evidence, `${component} pods (label app.kubernetes.io/name=${component})`));
        return problems.length ? g.fail(listSome(problems)) : g.pass(seen.join('; '));
      },
    }),
  );
}
