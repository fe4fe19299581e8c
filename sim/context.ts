/**
 * Shared handles of one running embedded Sovereign. Every platform module (DoD, cutover, journeys,
 * data plane, mail, NATS) is installed against this context and reaches the regions only through
 * their real API servers (`region.api`, the world's own client) and the world's servers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kit } from '../src/kit/types.js';
import type { RegionKillSpec, TargetSpec } from '../src/target/types.js';
import type { ReleaseEdit } from './gitops/kit-repo.js';
import type { Informer } from './kube-client/api.js';
import type { World, WorldRegion } from './world/start.js';

export type HostHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export type SimRegion = WorldRegion;

export interface SimWeb {
  /**
   * Serve `host` (exact, or `*.suffix` wildcard) on the front door for what no HTTPRoute claims,
   * and as the next hop of the products that proxy (the console's pages and API). With `paths`
   * (path prefixes) the handler gets only those paths; the longest matching prefix wins.
   */
  route(host: string, handler: HostHandler, opts?: { paths?: string[] }): void;
  /** Replace the certificate the front door serves (e.g. a staging-issuer fault). */
  setCertificate(certPem: string, keyPem: string): void;
  /** Port of the HTTPS front door on 127.0.0.1 (all `<host>.<sov>:443` map here). */
  readonly port: number;
}

/** A parsed `--sim-fault kind:arg` spec. */
export interface SimFault {
  kind: string;
  arg?: string;
}

/** What sim modules add to the TargetSpec the harness receives (mailbox, NATS, database, kill actuators …). */
export type TargetExtras = Partial<Omit<TargetSpec, 'regions'>> & { regionKill?: Record<string, RegionKillSpec> };

/** Edits of the Sovereign's GitOps repository, committed and reconciled like a team's push. */
export interface GitOps {
  edit(slot: string, edit: ReleaseEdit): void;
  repositoryUrl(helmRepository: string, url: string): void;
  /** Commits the pending edits and asks Flux to reconcile now; resolves with the commit. */
  push(message: string): Promise<string>;
}

export interface SimContext {
  sovereign: string;
  poolDomain: string;
  kit: Kit;
  world: World;
  regions: SimRegion[];
  primary: SimRegion;
  web: SimWeb;
  gitops: GitOps;
  faults: SimFault[];
  targetExtras: TargetExtras;
  /** Scratch directory owned by this sim instance (removed on stop). */
  dir: string;
  /** PEM file of the CA the harness trusts for this sim (TargetSpec.caFile). */
  caFile: string;
  /** A shared informer of the region (started on first use). */
  informer(region: SimRegion, apiVersion: string, kind: string): Promise<Informer>;
  /** True when `--sim-fault kind[:arg]` was given (arg undefined matches any arg). */
  faultActive(kind: string, arg?: string): boolean;
  /** Registers a cleanup run on stop, in reverse order. */
  onStop(fn: () => Promise<void> | void): void;
}
