/**
 * A synthetic walk for the report tests: a run folder with gate files, evidence and a timeline,
 * as the suites leave them, plus the SummaryInput the walk would pass to buildSummary.
 * The failed run: readiness/07-bp-cnpg fails at its deadline and blocks three gates, one DoD
 * gate cannot be judged (harness error), a journey passes with a screenshot, failover is skipped.
 */
import { deflateSync, crc32 } from 'node:zlib';
import type { Evidence, Gate, GateStatus, Timeline } from '../src/gates/types.js';
import { writeGate, writeTimeline } from '../src/gates/recorder.js';
import { EvidenceWriter } from '../src/evidence/writer.js';
import type { TargetSpec } from '../src/target/types.js';
import type { SummaryInput } from '../src/report/write-reports.js';

export const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

export const TARGET: TargetSpec = {
  kind: 'sim',
  name: 'sim',
  sovereign: 'sim.sovereign-walk.test',
  regions: [{ name: 'hz-fsn-rtz-prod', role: 'primary', kubeconfigPath: '/nonexistent/kubeconfig' }],
  poolDomain: 'homes.sovereign-walk.test',
  resolve: [],
  tls: { issuerMustMatch: "Let's Encrypt", issuerMustNotMatch: 'STAGING|Fake' },
};

/** A valid PNG of one colour (stands in for a Playwright screenshot). */
export function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

interface GateSpec {
  id: string;
  status: GateStatus;
  from: number;
  to: number;
  reason: string;
  dependsOn?: string[];
  rootCause?: string;
  dodGate?: string;
  slot?: string;
  evidence?: Evidence[];
  metrics?: Record<string, number | null>;
}

export function gate(spec: GateSpec): Gate {
  const suite = spec.id.split('/')[0];
  return {
    id: spec.id,
    suite,
    title: spec.id,
    status: spec.status,
    reason: spec.reason,
    rootCause: spec.rootCause,
    startedAt: at(spec.from),
    finishedAt: at(spec.to),
    dependsOn: spec.dependsOn,
    labels: { dodGate: spec.dodGate, slot: spec.slot, severity: 'critical', layer: suite === 'readiness' ? 'L3' : undefined },
    steps: [
      { name: 'HelmRelease Ready', status: spec.status === 'blocked' ? 'skipped' : spec.status === 'failed' ? 'failed' : 'passed', startedAt: at(spec.from), finishedAt: at(spec.to), detail: spec.reason },
    ],
    evidence: spec.evidence ?? [],
    metrics: spec.metrics,
  };
}

const R = (slot: string, name: string) => `readiness/${slot}-${name}`;
export const FAILED_GATE = R('07', 'bp-cnpg');
export const BLOCKED_GATES = [R('08', 'bp-keycloak'), R('09', 'bp-gitea'), R('10', 'bp-harbor')];
export const ERROR_GATE = 'dod/L2.4-nodes-region-b';
/** The chain that decided when readiness ended: cilium → cert-manager → openbao → cnpg (failed at its deadline). */
export const CRITICAL_PATH = [R('01', 'bp-cilium'), R('02', 'bp-cert-manager'), R('05', 'bp-openbao'), FAILED_GATE];

/** Writes a failed run into `runDir` and returns what the walk would pass to buildSummary. */
export function writeFailedRun(runDir: string): SummaryInput {
  const ev = new EvidenceWriter(runDir, 'sim', new Date(T0));
  const hr = ev.json('bp-cnpg', { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'bp-cnpg', namespace: 'flux-system', generation: 3 }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'InstallFailed', message: 'timed out waiting for the condition', observedGeneration: 3 }] } }, 'the HelmRelease the probe judged');
  const http = ev.write({ surface: 'cnpg-healthz', kind: 'http', ext: 'json', content: JSON.stringify({ request: { method: 'GET', url: 'https://console.sim.sovereign-walk.test/healthz', headers: {} }, response: { status: 503, headers: {}, body: 'no primary' } }, null, 2), description: 'GET /healthz → 503' });
  const log = ev.write({ surface: 'bp-cnpg', kind: 'log', ext: 'log', content: 'cnpg-controller: waiting for instance 1/2\n' });
  const shot = ev.write({ surface: 'console', kind: 'screenshot', ext: 'png', content: solidPng(160, 90, [47, 158, 94]), description: 'console after sign-in' });

  const gates: Gate[] = [
    gate({ id: R('01', 'bp-cilium'), status: 'passed', from: 0, to: 21, reason: 'HelmRelease Ready=True (generation 1) and cilium DaemonSet rolled out', slot: '01', dodGate: '01', metrics: { readyAfterMs: 21000 } }),
    gate({ id: R('02', 'bp-cert-manager'), status: 'passed', from: 21, to: 48, reason: 'Ready, webhook answering', dependsOn: [R('01', 'bp-cilium')], slot: '02', dodGate: '02' }),
    gate({ id: R('03', 'bp-flux'), status: 'passed', from: 0, to: 12, reason: 'Ready', slot: '03', dodGate: '03' }),
    gate({ id: R('04', 'bp-sealed-secrets'), status: 'passed', from: 12, to: 30, reason: 'Ready', dependsOn: [R('03', 'bp-flux')], slot: '04', dodGate: '04' }),
    gate({ id: R('05', 'bp-openbao'), status: 'passed', from: 48, to: 95, reason: 'Ready, unsealed', dependsOn: [R('02', 'bp-cert-manager'), R('04', 'bp-sealed-secrets')], slot: '05', dodGate: '05' }),
    gate({ id: R('06', 'bp-gateway-api'), status: 'passed', from: 21, to: 40, reason: 'CRDs served', dependsOn: [R('01', 'bp-cilium')], slot: '06', dodGate: '06' }),
    gate({ id: FAILED_GATE, status: 'failed', from: 95, to: 395, reason: 'HelmRelease bp-cnpg not Ready after 300s: InstallFailed — timed out waiting for the condition', dependsOn: [R('05', 'bp-openbao'), R('06', 'bp-gateway-api')], slot: '07', dodGate: '07', evidence: [hr, http, log], metrics: { readyAfterMs: null } }),
    ...BLOCKED_GATES.map((id, i) => gate({ id, status: 'blocked', from: 395, to: 395, reason: `dependency ${i === 0 ? FAILED_GATE : BLOCKED_GATES[0]} did not become ready`, rootCause: FAILED_GATE, dependsOn: [i === 0 ? FAILED_GATE : BLOCKED_GATES[0]], slot: String(8 + i).padStart(2, '0') })),
    gate({ id: R('11', 'bp-valkey'), status: 'passed', from: 30, to: 70, reason: 'Ready', dependsOn: [R('04', 'bp-sealed-secrets')], slot: '11' }),
    gate({ id: 'dod/L1.1-record-ready', status: 'passed', from: 396, to: 397, reason: 'record status is ready', dodGate: 'L1.1' }),
    gate({ id: ERROR_GATE, status: 'error', from: 397, to: 412, reason: 'kube API of hz-hel-rtz-prod unreachable: connect ECONNREFUSED 127.0.0.1:6443', dodGate: 'L2.4' }),
    gate({ id: 'journeys/console-sign-in', status: 'passed', from: 412, to: 431, reason: 'operator reached the console dashboard', dodGate: 'D28', evidence: [shot] }),
    gate({ id: 'failover/region-kill', status: 'skipped', from: 431, to: 431, reason: 'chaos not allowed on this target (--allow-chaos not given)', dodGate: 'D35' }),
  ];
  for (const g of gates) writeGate(runDir, g);

  const timeline: Timeline = {
    id: 'journeys-latency',
    suite: 'journeys',
    title: 'Console response time during the journey',
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 600,
      height: 160,
      data: { values: Array.from({ length: 20 }, (_, i) => ({ t: at(412 + i), ms: 80 + ((i * 37) % 50) })) },
      mark: { type: 'line', point: true },
      encoding: { x: { field: 't', type: 'temporal', title: 'time' }, y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' } },
    },
  };
  writeTimeline(runDir, timeline);

  return {
    runId: 'sim-20261122-100000',
    runDir,
    target: TARGET,
    startedAt: at(0),
    finishedAt: at(432),
    suites: [
      { name: 'readiness', startedAt: at(0), finishedAt: at(395) },
      { name: 'dod', startedAt: at(395), finishedAt: at(412) },
      { name: 'journeys', startedAt: at(412), finishedAt: at(431) },
      { name: 'failover', startedAt: at(431), finishedAt: at(432) },
    ],
    janitor: [],
    options: { suites: ['readiness', 'dod', 'journeys', 'failover'], slotDeadlineMs: 300000, allowChaos: false },
    tool: { name: 'sovereign-walk', version: '0.1.0' },
  };
}

/** A run where every gate passes. */
export function writePassingRun(runDir: string): SummaryInput {
  const gates = [
    gate({ id: 'readiness/01-bp-cilium', status: 'passed', from: 0, to: 20, reason: 'Ready', slot: '01' }),
    gate({ id: 'readiness/02-bp-cert-manager', status: 'passed', from: 20, to: 45, reason: 'Ready', slot: '02', dependsOn: ['readiness/01-bp-cilium'] }),
    gate({ id: 'dod/L1.1-record-ready', status: 'passed', from: 45, to: 46, reason: 'record status is ready', dodGate: 'L1.1' }),
    gate({ id: 'failover/region-kill', status: 'skipped', from: 46, to: 46, reason: 'chaos not allowed' }),
  ];
  for (const g of gates) writeGate(runDir, g);
  return {
    runId: 'sim-pass',
    runDir,
    target: TARGET,
    startedAt: at(0),
    finishedAt: at(47),
    suites: [
      { name: 'readiness', startedAt: at(0), finishedAt: at(45) },
      { name: 'dod', startedAt: at(45), finishedAt: at(46) },
      { name: 'failover', startedAt: at(46), finishedAt: at(46) },
    ],
    janitor: [],
    options: {},
    tool: { name: 'sovereign-walk', version: '0.1.0' },
  };
}
