/** L2: every region's API answers through its own kubeconfig and has enough Ready nodes. */
import { basename } from 'node:path';
import type { RegionSpec } from '../../target/types.js';
import { condition } from '../../target/objects.js';
import { inRegion, listSome, type DodCheckSpec } from './check.js';

export function regionChecks(regions: RegionSpec[], minNodes: number): DodCheckSpec[] {
  return regions.flatMap((r): DodCheckSpec[] => [
    {
      key: `L2.${r.name}.api`,
      layer: 'L2',
      region: r.name,
      text: `${r.name} API reachable with its own kubeconfig (${basename(r.kubeconfigPath)})`,
      judge: async (s, g) => {
        const ping = await s.reachable(r.name);
        g.attach(s.h.evidence.json(`dod-api-${r.name}`, { server: s.region(r.name).server, kubeconfig: r.kubeconfigPath, ...ping }, `API server of ${r.name}`));
        return ping.ok ? g.pass(`${s.region(r.name).server} answers, ${ping.version}`) : g.fail(ping.reason);
      },
    },
    {
      key: `L2.${r.name}.nodes`,
      layer: 'L2',
      region: r.name,
      text: `${r.name} has at least ${minNodes} Ready nodes`,
      judge: (s, g) =>
        inRegion(s, g, r.name, async () => {
          const nodes = await s.list(r.name, 'nodes');
          const rows = nodes.map((n) => {
            const ready = condition(n, 'Ready');
            return { name: n.metadata.name, ready: ready?.status ?? 'missing', reason: ready?.reason, since: ready?.lastTransitionTime };
          });
          g.attach(s.h.evidence.json(`dod-nodes-${r.name}`, rows, `Node Ready conditions in ${r.name}`));
          const ready = rows.filter((x) => x.ready === 'True');
          const notReady = rows.filter((x) => x.ready !== 'True').map((x) => `${x.name} Ready=${x.ready}${x.reason ? ` (${x.reason})` : ''}`);
          g.metric('readyNodes', ready.length);
          g.metric('nodes', rows.length);
          const summary = `${ready.length}/${rows.length} nodes Ready in ${r.name}${notReady.length ? `; not Ready: ${listSome(notReady)}` : ''}`;
          return ready.length >= minNodes ? g.pass(summary) : g.fail(`${summary}; need ${minNodes}`);
        }),
    },
  ]);
}
