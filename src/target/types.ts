/**
 * What the harness knows about the Sovereign it walks. The same shape describes a live
 * Sovereign, a kind cluster and the simulated one: nothing in the harness branches on `kind`
 * except the chaos interlock and report naming.
 */

export type TargetKind = 'sim' | 'kind' | 'live';

export interface RegionSpec {
  /** Region id, e.g. `hz-fsn-rtz-prod`. */
  name: string;
  role: 'primary' | 'secondary';
  kubeconfigPath: string;
  /** How a region kill is carried out on this target (failover suite). */
  kill?: RegionKillSpec;
}

export type RegionKillSpec =
  /** Local processes (a region made of processes on this machine). */
  | { kind: 'process-signal'; pids: number[]; pidFiles?: string[] }
  /** A power switch run as a command (argv, no shell), e.g. an IPMI/PDU script; `strength` as the target's owner states it. */
  | { kind: 'command'; argv: string[]; description: string; strength: 'full' | 'isolation' }
  /** kind / docker node containers. */
  | { kind: 'container'; runtime: 'docker' | 'podman'; containers: string[]; mode: 'stop' | 'pause' }
  /** Hetzner Cloud power-off of the servers the operator's label selector names, once shown to be the region's nodes (token from HCLOUD_TOKEN). */
  | { kind: 'hcloud'; labelSelector: string }
  /** NetworkPolicy isolation of the region's namespaces. */
  | { kind: 'network-policy'; namespaces: string[] }
  /** Weakest mode: CNPG fencing of every instance of the region's primary Cluster. */
  | { kind: 'cnpg-fence'; namespace: string; cluster: string };

/** Like curl's --resolve: connect to `address:port` whenever a URL names `host` (wildcards `*.x`). */
export interface ResolveRule {
  host: string;
  port: number;
  address: string;
  targetPort: number;
}

export type MailboxSpec =
  | { kind: 'mailpit'; url: string }
  | { kind: 'imap'; host: string; port: number; secure: boolean; user: string; passwordEnv: string };

export interface DatabaseEndpoint {
  /** Label recorded in the write history. */
  label: string;
  host: string;
  port: number;
  database: string;
  user: string;
  /** Environment variable that holds the password; never the password itself. */
  passwordEnv: string;
  /** CA of the database's certificate: when set, connections use TLS and verify the server (hostname included). */
  caFile?: string;
}

export interface TargetSpec {
  kind: TargetKind;
  /** Short name used in report paths and evidence names (`t38`, `sim`, `kind`). */
  name: string;
  /** The Sovereign FQDN. */
  sovereign: string;
  regions: RegionSpec[];
  /** Org-pool parent domain for new Organizations (default omani.homes). */
  poolDomain: string;
  resolve: ResolveRule[];
  /** Extra CA certificate(s) to trust for HTTPS (PEM file). */
  caFile?: string;
  /** What the serving certificates' issuer must look like (L5). */
  tls: { issuerMustMatch: string; issuerMustNotMatch: string };
  mailbox?: MailboxSpec;
  nats?: { url: string };
  /** Deployment record source (DoD L1). */
  record?: { file?: string; url?: string; tokenEnv?: string };
  /** Direct database endpoint for the failover writer and final read (`-rw` / mesh service). */
  database?: DatabaseEndpoint;
  /** Base URL of the counter app (failover HTTP writer). */
  counterUrl?: string;
  /** Environment variable names holding secrets the harness may use (never the values). */
  secretsEnv?: Record<string, string>;
  /**
   * The platform's DR controller that promotes the survivor, as the HelmRelease that installs it.
   * Where it is not Ready in every region, failover is `skipped` with the release's own reason:
   * a region kill with nobody to promote the survivor can only fail, and for the wrong reason.
   */
  drController?: { namespace: string; name: string };
  /**
   * What the target itself says limits what a walk of it can show (an embedded Sovereign whose
   * regions share loopback cannot drop packets); every report repeats them, verbatim.
   */
  caveats?: string[];
}
