/**
 * Shared handles of one running simulated Sovereign. Every sim module (Flux model, web
 * surfaces, mail, NATS, data plane, network policy model) is installed against this context.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectStore } from './kube/store.js';
import type { KubeApiServer } from './kube/server.js';
import type { Kit } from '../src/kit/types.js';
import type { RegionKillSpec, TargetSpec } from '../src/target/types.js';

export type HostHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface SimRegion {
  name: string;
  role: 'primary' | 'secondary';
  store: ObjectStore;
  api: KubeApiServer;
  kubeconfigPath: string;
}

export interface SimWeb {
  /**
   * Serve `host` (exact, or `*.suffix` wildcard) on the sim's HTTPS front door. With `paths`
   * (path prefixes) the handler gets only those paths, so several modules can share a host;
   * the longest matching prefix wins, a route without `paths` is the host's fallback.
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

/**
 * The sim's network: whether a workload in `fromNamespace` can reach `url` right now. The Flux
 * source model asks it before every fetch; the network-policy model (cutover) answers it.
 */
export interface SimNet {
  canReach(fromNamespace: string, url: string): boolean;
  /** Replaces the reachability rule (default: everything reachable). */
  setRule(rule: (fromNamespace: string, url: string) => boolean): void;
}

/** What sim modules add to the TargetSpec the harness receives (mailbox, NATS, database, kill actuators …). */
export type TargetExtras = Partial<Omit<TargetSpec, 'regions'>> & { regionKill?: Record<string, RegionKillSpec> };

export interface SimContext {
  sovereign: string;
  poolDomain: string;
  kit: Kit;
  regions: SimRegion[];
  primary: SimRegion;
  web: SimWeb;
  faults: SimFault[];
  net: SimNet;
  targetExtras: TargetExtras;
  /** Scratch directory owned by this sim instance (removed on stop). */
  dir: string;
  /** PEM file of the CA the harness trusts for this sim (TargetSpec.caFile). */
  caFile: string;
  /** True when `--sim-fault kind[:arg]` was given (arg undefined matches any arg). */
  faultActive(kind: string, arg?: string): boolean;
  /** Registers a cleanup run on stop, in reverse order. */
  onStop(fn: () => Promise<void> | void): void;
}
