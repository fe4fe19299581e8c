/** The result model every suite produces and every report consumes (summary.json schemaVersion 1). */
import type { HistoryComparison } from '../history/compare.js';

export const SCHEMA_VERSION = 1;

/**
 * `blocked`: not judged because a gate it depends on failed (`rootCause` names it).
 * `error`: the harness could not judge the gate (infrastructure or harness fault), never a pass.
 */
export type GateStatus = 'passed' | 'failed' | 'blocked' | 'skipped' | 'error';

export type EvidenceKind = 'json' | 'yaml' | 'http' | 'screenshot' | 'har' | 'svg' | 'log' | 'text' | 'email';

export interface Evidence {
  name: string;
  kind: EvidenceKind;
  /** Path relative to the run folder. */
  path: string;
  contentType: string;
  description?: string;
}

export interface GateLabels {
  /** DoD gate id such as D28, D31, L6.3 (the DoD column of the reports; nothing else). */
  dodGate?: string;
  slot?: string;
  layer?: string;
  tier?: number;
  region?: string;
  severity?: 'blocker' | 'critical' | 'normal' | 'minor';
}

export interface GateStep {
  name: string;
  status: GateStatus;
  startedAt: string;
  finishedAt: string;
  detail?: string;
}

export interface Gate {
  /** `<suite>/<name>`, e.g. `readiness/16-bp-cnpg`, in the alphabet of src/gates/id.ts. */
  id: string;
  suite: string;
  /** What the gate checks, for people (`D31 RTO ≤ 30s`); any text. */
  title: string;
  status: GateStatus;
  /** For blocked gates: the id of the failed gate at the root of the chain. */
  rootCause?: string;
  reason: string;
  startedAt: string;
  finishedAt: string;
  /** Gate ids this gate depended on (readiness DAG). */
  dependsOn?: string[];
  labels: GateLabels;
  steps?: GateStep[];
  evidence: Evidence[];
  /** Named measurements (`rtoMs`, `d35LatencyMs`, `readyAfterMs` …). */
  metrics?: Record<string, number | null>;
  /**
   * The HelmReleases (`namespace/name`) the gate judged (for a count, the ones it found wanting),
   * so a failure another gate already explains is attributed to it (src/gates/attribution.ts).
   */
  helmReleases?: string[];
}

/** A chart another suite contributes to the HTML report (rendered to SVG by the report). */
export interface Timeline {
  id: string;
  suite: string;
  title: string;
  /** Vega-Lite specification with inline data. */
  vegaLite: Record<string, unknown>;
  /** Pre-rendered SVG path (relative to the run folder), filled in by the report writer. */
  svgPath?: string;
}

export interface SuiteRun {
  name: string;
  startedAt: string;
  finishedAt: string;
  /** Set when the suite itself could not run. */
  error?: string;
  /** Where the suite's time went; absent in a summary.json written before walks measured it. */
  timings?: SuiteTimings;
}

/**
 * How long a suite spent judging and reporting, measured by the walk (ms): the walk process
 * judges every gate of the suite at once, then reports them itself. Judging is the judge's start
 * to its return with every gate decided, reporting the writing of the suite's gate files and
 * Allure results. A figure is absent when it was not measured: judging when no judge returned (a
 * timeout, a stop), reporting when the suite was not reported. (A summary.json written before
 * 2026-12-07 also says where the suite was judged, `judgedIn: 'walk' | 'worker'`, the journeys
 * then in a Playwright worker; nothing reads it.)
 */
export interface SuiteTimings {
  judgingMs?: number;
  reportingMs?: number;
}

/** One line of a region's API requests: `LIST pods` was sent `count` times. */
export interface ApiRequestLine {
  /** As the API server's apiserver_request_total names it (src/target/api-request-class.ts). */
  verb: string;
  /** `plural[.group][/subresource]`, or a non-resource path such as `/version`. */
  resource: string;
  count: number;
}

/**
 * Every HTTP request the walk's processes sent to one region's API server, counted client-side:
 * API calls, watches (each connection, re-watches included), exec and service-proxy requests.
 * A list, not a map keyed by `LIST secrets`: redaction masks values under secret-looking keys.
 */
export interface RegionApiRequests {
  region: string;
  total: number;
  /** Most sent first. */
  requests: ApiRequestLine[];
}

export interface FaultRecord {
  id: string;
  kind: string;
  target: string;
  appliedAt?: string;
  revertedAt?: string;
  runId: string;
  detail?: string;
}

export interface Summary {
  schemaVersion: number;
  tool: { name: string; version: string };
  runId: string;
  target: string;
  targetKind: string;
  sovereign: string;
  /** What the target said limits this walk (TargetSpec.caveats). */
  caveats?: string[];
  startedAt: string;
  finishedAt: string;
  verdict: 'pass' | 'fail';
  counts: Record<GateStatus, number>;
  suites: SuiteRun[];
  gates: Gate[];
  timelines: Timeline[];
  /**
   * API requests per region of the target, summed over every process of the walk (the walk and its
   * Playwright workers). Absent when no process recorded any (a summary.json of an older walk).
   */
  apiRequests?: RegionApiRequests[];
  /** Set when some process of the walk ended before it recorded its final counts: `apiRequests` is then a lower bound. */
  apiRequestsPartial?: { processes: number };
  /** Faults left by an earlier, killed run that this run's janitor reverted first. */
  janitor: FaultRecord[];
  /** Faults this walk applied (from the fault ledger), with when each was reverted. */
  faults?: FaultRecord[];
  /** Set when a signal stopped the walk: its gates are what was judged before the stop. */
  stopped?: { signal: string; during?: string };
  options: Record<string, unknown>;
  /** This walk against the earlier walks of its Sovereign in the walk history. */
  history?: HistoryComparison;
}
