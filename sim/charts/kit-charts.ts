/**
 * Every chart of a kit, packaged: which slot installs which API group's CRDs (the slot whose
 * surface asks that the type be served, else the first slot whose surface names the group), and,
 * per slot, the namespaces its chart writes into. A kit of any size and any slots works; nothing
 * is keyed by slot name except the platform charts' extras.
 */
import type { Kit, KitSlot } from '../../src/kit/types.js';
import { packageChart } from './package.js';
import { workloadKind } from './manifests.js';
import { slotChart, type SlotChart } from './slot-chart.js';

export interface PackagedChart {
  slot: KitSlot;
  chart: SlotChart;
  tgz: Buffer;
}

function groupOf(resource: string): string {
  const dot = resource.indexOf('.');
  return dot < 0 ? '' : resource.slice(dot + 1);
}

/**
 * API group → the slot whose chart installs its operator, and its CRDs unless the group is part of
 * the platform base every region starts with.
 */
export function groupOwners(kit: Kit): Map<string, string> {
  const owners = new Map<string, string>();
  const named = (slot: KitSlot) => (slot.surface && 'resource' in slot.surface ? groupOf(slot.surface.resource) : '');
  for (const slot of kit.slots) {
    const group = named(slot);
    if (group && slot.surface?.kind === 'api-resource-served') owners.set(group, slot.name);
  }
  for (const slot of kit.slots) {
    const group = named(slot);
    if (group && !owners.has(group)) owners.set(group, slot.name);
  }
  return owners;
}

/** `Kind/namespace/name` of every workload a kit surface rolls out or execs into. */
export function kitWorkloads(kit: Kit): Set<string> {
  const out = new Set<string>();
  for (const slot of kit.slots) {
    const s = slot.surface;
    if (s?.kind === 'rollout') out.add(`${workloadKind(s.workload)}/${s.namespace}/${s.name}`);
    if (s?.kind === 'exec') {
      const [word, name] = s.target.split('/');
      out.add(`${workloadKind(word ?? '') ?? 'Deployment'}/${s.namespace}/${name}`);
    }
  }
  return out;
}

export async function kitCharts(kit: Kit, sovereign: string, poolDomain: string): Promise<PackagedChart[]> {
  const owners = groupOwners(kit);
  const workloads = kitWorkloads(kit);
  const placeholder = kit.sovPlaceholder ?? '<sov>';
  return Promise.all(kit.slots.map(async (slot) => {
    const ownedGroups = [...owners].filter(([, owner]) => owner === slot.name).map(([group]) => group);
    const chart = slotChart(slot, { sovereign, poolDomain, placeholder, ownedGroups, kitWorkloads: workloads });
    return { slot, chart, tgz: await packageChart({ name: chart.name, files: chart.files }) };
  }));
}

/**
 * The same chart at `<version>-broken.1` with one more template the API server cannot map (a
 * ServiceMonitor while the Prometheus Operator's CRDs are not installed): Helm's install fails
 * with "no matches for kind", as a chart that forgot a CRD dependency does.
 */
export async function brokenChart(c: PackagedChart): Promise<{ version: string; tgz: Buffer }> {
  const version = `${c.chart.version}-broken.1`;
  const files = {
    ...c.chart.files,
    'Chart.yaml': c.chart.files['Chart.yaml'].replace(/^version: .*$/m, `version: ${version}`),
    'templates/zz-servicemonitor.yaml': [
      'apiVersion: monitoring.coreos.com/v1',
      'kind: ServiceMonitor',
      'metadata:',
      '  name: {{ .Release.Name }}',
      '  namespace: {{ .Release.Namespace }}',
      'spec:',
      '  selector:',
      '    matchLabels:',
      '      app.kubernetes.io/instance: {{ .Release.Name }}',
      '  endpoints:',
      '  - port: http',
      '',
    ].join('\n'),
  };
  return { version, tgz: await packageChart({ name: c.chart.name, files }) };
}
