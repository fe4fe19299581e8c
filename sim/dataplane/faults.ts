/**
 * The data plane's `--sim-fault` kinds:
 *   replication:async-detached  asynchronous replication, and the standby is cut off its primary
 *                               DETACH_AFTER_FIRST_USE_MS after the first write (or SQL session)
 *                               reaches the router: every write acknowledged from then until the kill is lost
 *                               (the failover suite's warm-up is longer than that delay).
 *   failover:slow[:<ms>]        promotion waits <ms> (default 35 s, beyond a 30 s RTO) after lease loss.
 *   failover:none               the lease expires but nothing is promoted.
 *   continuum:misreport         the Continuum reports the promotion step alone as rtoObserved and
 *                               0s as rpoObserved, whatever happened.
 *   partition:<region>          the region's kill switch only pulls its link (regions as hosts
 *                               only): its PostgreSQL and counter app keep running, cut off, while
 *                               the survivor is promoted: a split brain must not acknowledge writes
 *                               on both sides.
 *   heal:no-rejoin              the powered-off region boots again, but its PostgreSQL instance
 *                               comes up as a standby with no source: it never streams from the
 *                               new primary (regions as hosts only).
 */
import { registerFaultKinds, type SimFaultKind } from '../faults.js';
import type { SimFault } from '../context.js';

export const DETACH_AFTER_FIRST_USE_MS = 3_000;
export const DEFAULT_SLOW_PROMOTION_MS = 35_000;

export const DATAPLANE_FAULT_KINDS: readonly SimFaultKind[] = [
  {
    kind: 'replication',
    description: `async-detached: asynchronous replication, standby detached ${DETACH_AFTER_FIRST_USE_MS / 1000} s after the first write (acknowledged writes lost on failover)`,
    needsArg: true,
    argName: 'async-detached',
    validate: (arg) => (arg === 'async-detached' ? undefined : `"${arg}" is not a replication fault (async-detached)`),
  },
  {
    kind: 'failover',
    description: `slow[:<ms>]: promotion delayed (default ${DEFAULT_SLOW_PROMOTION_MS / 1000} s) after lease loss; none: never promoted`,
    needsArg: true,
    argName: 'slow[:<ms>]|none',
    validate: (arg) => (arg === 'none' || /^slow(:\d{1,6})?$/.test(arg) ? undefined : `"${arg}" is not a failover fault (slow, slow:<ms>, none)`),
  },
  {
    kind: 'continuum',
    description: 'misreport: the Continuum reports the promotion step alone as rtoObserved and 0s as rpoObserved',
    needsArg: true,
    argName: 'misreport',
    validate: (arg) => (arg === 'misreport' ? undefined : `"${arg}" is not a continuum fault (misreport)`),
  },
  {
    kind: 'partition',
    description: "<region>: the region kill only pulls the region's link (processes keep running, cut off); needs regions as hosts",
    needsArg: true,
    argName: '<region>',
    validate: (arg) => (/^[a-z0-9][a-z0-9-]*$/.test(arg) ? undefined : `"${arg}" is not a region name`),
  },
  {
    kind: 'heal',
    description: 'no-rejoin: the powered-off region boots again but its database instance never streams from the new primary; needs regions as hosts',
    needsArg: true,
    argName: 'no-rejoin',
    validate: (arg) => (arg === 'no-rejoin' ? undefined : `"${arg}" is not a heal fault (no-rejoin)`),
  },
];

registerFaultKinds(DATAPLANE_FAULT_KINDS);

export interface DataplaneFaults {
  /** Asynchronous replication, standby detached after the first write (replication:async-detached). */
  asyncDetached: boolean;
  /** Delay between lease loss and promotion; null: never promote. */
  promotionDelayMs: number | null;
  misreport: boolean;
  /** Regions whose kill is a partition (partition:<region>). */
  partitioned: Set<string>;
  /** The healed region's instance never streams again (heal:no-rejoin). */
  noRejoin: boolean;
}

export function dataplaneFaults(faults: readonly SimFault[]): DataplaneFaults {
  const out: DataplaneFaults = { asyncDetached: false, promotionDelayMs: 0, misreport: false, partitioned: new Set(), noRejoin: false };
  for (const f of faults) {
    if (f.kind === 'replication' && f.arg === 'async-detached') out.asyncDetached = true;
    if (f.kind === 'continuum' && f.arg === 'misreport') out.misreport = true;
    if (f.kind === 'partition' && f.arg) out.partitioned.add(f.arg);
    if (f.kind === 'heal' && f.arg === 'no-rejoin') out.noRejoin = true;
    if (f.kind === 'failover' && f.arg === 'none') out.promotionDelayMs = null;
    if (f.kind === 'failover' && f.arg?.startsWith('slow')) {
      const ms = f.arg.split(':')[1];
      out.promotionDelayMs = ms === undefined ? DEFAULT_SLOW_PROMOTION_MS : Number(ms);
    }
  }
  return out;
}
