/**
 * An operator model: what an operator's chart renders for the custom resources a kit slot installs
 * (a spec the upstream CRD accepts), the operator's own workload, and the status the real operator
 * writes for each object, through the status subresource, while its workload is running.
 */
import type { KubeObject } from '../kube-client/api.js';

export interface OperatorWorld {
  /** The Sovereign FQDN. */
  sovereign: string;
  /** Whether a workload (`Deployment`/`StatefulSet`/`DaemonSet`) has every desired replica ready. */
  workloadReady(kind: string, namespace: string, name: string): boolean;
  /** An object of the region, from the operators' caches (undefined when absent or not watched). */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Objects of a kind in the operators' caches (pods, services, other custom resources). */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
}

export interface OperatorModel {
  /** API group whose objects it reconciles. */
  group: string;
  /** Kinds it reconciles or keeps (and so reads), with the served version it writes. */
  kinds: Record<string, string>;
  /** Kinds beyond its own and the built-in workloads that the model reads (`[apiVersion, kind]`). */
  watches?: [string, string][];
  /** Other API groups whose CRDs the operator's chart installs with its own (e.g. STUNner's GatewayConfig). */
  crdGroups?: string[];
  /**
   * A webhook the operator serves (a CRD conversion webhook): its Service in front of the workload,
   * and the CRDs whose clientConfig.caBundle the operator injects once it runs, as policy-controller
   * and cert-manager's cainjector do.
   */
  webhook?: { service: string; port: number; targetPort: number; crds: string[] };
  /** The operator's own workload, rendered by the chart that installs the group. */
  workload: { kind: 'Deployment' | 'StatefulSet' | 'DaemonSet'; namespace: string; name: string };
  /** Objects (kind, and apiVersion at `kinds[kind]`) other objects of the group need, e.g. an issuer's CA Secret. */
  companions?(kind: string, name: string, namespace: string | undefined): Record<string, unknown>[];
  /** The body (everything but apiVersion, kind and metadata) a chart renders for an object of `kind`. */
  sample(kind: string, name: string, namespace: string | undefined, sovereign: string): Record<string, unknown>;
  /**
   * Objects the operator creates and keeps for `obj` (CloudNativePG's instance Pods and Services, the
   * OpenTelemetry operator's collector Deployment), applied by the runner with an owner reference to
   * `obj`; undefined while its workload is down, or while it leaves what it created as it is (a
   * failed sync keeps the last Secret).
   */
  owned?(obj: KubeObject, world: OperatorWorld): Record<string, unknown>[] | undefined;
  /**
   * The status the operator writes for `obj` now, or undefined when it writes nothing (its
   * workload is down, or the real operator keeps no status for this kind). Unchanged fields keep
   * their values (transition and validation times), so an unchanged world gives an equal status.
   * Where the CRD has no status subresource (Velero's BackupStorageLocation) the status is part of
   * the object itself.
   */
  status(obj: KubeObject, world: OperatorWorld): Record<string, unknown> | undefined;
}
