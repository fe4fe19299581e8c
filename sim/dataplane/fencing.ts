/**
 * The instance manager's side of CloudNativePG fencing, for the pair's real PostgreSQL servers:
 * once a region's Cluster fences its instance (`cnpg.io/fencedInstances` naming it, or `["*"]`),
 * the postmaster is shut down (fast, then immediate) and stays down, with no failover inside the
 * region; lifting the fence starts it again.
 */
import type { Informer } from '../kube-client/api.js';
import { isInstanceFenced } from '../operators/cnpg-instances.js';
import { NAMESPACE } from './objects.js';
import type { PgServer } from './postgres.js';

/** Follows the fencing of `cluster`'s instance on `server`; the returned stop() ends it once any shutdown or start under way is done. */
export function followFencing(clusters: Informer, cluster: string, server: PgServer, log: (line: string) => void): { stop(): Promise<void> } {
  const instance = `${cluster}-1`;
  let fencedDown = false;
  let queue = Promise.resolve();
  const unsubscribe = clusters.on((type, obj) => {
    if (obj.metadata.namespace !== NAMESPACE || obj.metadata.name !== cluster) return;
    const fenced = type !== 'DELETED' && isInstanceFenced(obj, instance);
    queue = queue
      .then(async () => {
        if (fenced && !fencedDown && server.alive()) {
          fencedDown = true;
          log(`${instance} fenced: shutting its postmaster down`);
          await server.stop();
        } else if (!fenced && fencedDown) {
          fencedDown = false;
          log(`fence of ${instance} lifted: starting its postmaster`);
          await server.restart();
        }
      })
      .catch((err: unknown) => log(`fencing ${instance}: ${(err as Error).message}`));
  });
  return {
    async stop() {
      unsubscribe();
      await queue;
    },
  };
}
