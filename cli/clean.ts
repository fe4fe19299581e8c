/**
 * `npm run clean`: reaps what embedded Sovereigns that died without stopping left on this machine
 * (processes, pod-network routes, scratch directories with their kubeconfigs and keys). Running
 * instances are left alone.
 */
import { reapOrphans } from '../sim/host/ownership.js';

const r = reapOrphans();
process.stdout.write(r.instances
  ? `clean: reaped ${r.instances} dead instance(s): ${r.processes} process(es), ${r.dirs} director(ies), ${r.links} link(s)\n`
  : 'clean: nothing left behind\n');
