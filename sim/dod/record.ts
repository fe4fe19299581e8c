/**
 * The mothership's deployment record of the sim Sovereign (the §3 schema dod-verify reads):
 * provisioned two hours before the sim started, handed over 25 minutes in, cut over after
 * that. `cutoverComplete` follows the primary region's status ConfigMap, as catalyst-api
 * copies it into the record.
 */
import { createHash } from 'node:crypto';

export const PROVISIONED_AGO_MS = 2 * 60 * 60 * 1000;
export const HANDOVER_AFTER_MS = 25 * 60 * 1000;

/** 16 hex characters, like `ba79375bdd69c46c`, stable per Sovereign. */
export function deploymentId(sovereign: string): string {
  return createHash('sha256').update(`deployment:${sovereign}`).digest('hex').slice(0, 16);
}

export interface RecordInput {
  id: string;
  sovereign: string;
  regions: string[];
  startedMs: number;
  cutoverComplete(): boolean;
}

export function recordDocument(r: RecordInput): Record<string, unknown> {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: r.id,
    status: 'ready',
    startedAt: iso(r.startedMs),
    finishedAt: iso(r.startedMs + HANDOVER_AFTER_MS),
    request: {
      sovereignFQDN: r.sovereign,
      provider: 'hetzner',
      regions: r.regions,
      sovereignDomainMode: 'byo',
    },
    result: {
      controlPlaneIP: '198.51.100.10',
      loadBalancerIP: '203.0.113.20',
      handoverFiredAt: iso(r.startedMs + HANDOVER_AFTER_MS),
      kubeconfigs: r.regions.map((name) => `${r.id}-${name}.yaml`),
    },
    cutoverComplete: r.cutoverComplete(),
  };
}
