/** A slot's sweep result as a Gate, with the objects and HTTP exchanges it was judged on, per region. */
import type { Gate } from '../../gates/types.js';
import type { EvidenceWriter } from '../../evidence/writer.js';
import type { SlotResult } from './sweep.js';

export function slotGate(r: SlotResult, regions: string[], evidence: EvidenceWriter): Gate {
  const { slot } = r.probe;
  const iso = (t: number) => new Date(t).toISOString();
  const steps: Gate['steps'] = [];
  const files: Gate['evidence'] = [];
  for (const v of r.regions) {
    steps.push({ name: `HelmRelease ${slot.ready.namespace}/${slot.ready.name} Ready in ${v.region}`, status: v.hr.ok ? 'passed' : 'failed', startedAt: iso(r.startedAt), finishedAt: iso(v.hr.at), detail: v.hr.reason });
    if (v.hr.observed) files.push(evidence.json(`${slot.name}-helmrelease-${v.region}`, v.hr.observed, `the HelmRelease in ${v.region} as judged`));
    if (!v.surface || !slot.surface) continue;
    steps.push({ name: `surface ${slot.surface.kind} in ${v.region}`, status: v.surface.ok ? 'passed' : 'failed', startedAt: iso(v.hr.at), finishedAt: iso(v.surface.at), detail: v.surface.reason });
    if (v.surface.exchange) files.push(evidence.write({ surface: `${slot.name}-surface-${v.region}`, kind: 'http', ext: 'json', content: JSON.stringify(v.surface.exchange, null, 2), description: `HTTP request and response (${v.region})` }));
    else if (v.surface.observed) files.push(evidence.json(`${slot.name}-surface-${v.region}`, v.surface.observed, `the ${slot.surface.kind} object(s) in ${v.region} as judged`));
  }
  for (const f of r.flaps) steps.push({ name: `failed after passing, in ${f.region}`, status: 'failed', startedAt: iso(f.at), finishedAt: iso(f.at), detail: f.reason });
  return {
    id: r.probe.id,
    suite: 'readiness',
    title: `${r.probe.id}${r.probe.discovered ? ' (discovered, not in the kit)' : ''}`,
    status: r.status,
    rootCause: r.rootCause,
    reason: r.reason,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    dependsOn: r.probe.dependsOn,
    labels: { slot: slot.slot, layer: slot.layer, tier: slot.tier, region: regions.join(', '), severity: slot.tier === 0 ? 'blocker' : 'critical' },
    steps,
    evidence: files,
    metrics: { readyAfterMs: r.status === 'passed' ? r.finishedAt - r.startedAt : null },
    helmReleases: [`${slot.ready.namespace}/${slot.ready.name}`],
  };
}
