/** A slot's sweep result as a Gate, with the objects and HTTP exchanges it was judged on. */
import type { Gate } from '../../gates/types.js';
import type { EvidenceWriter } from '../../evidence/writer.js';
import type { SlotResult } from './sweep.js';

export function slotGate(r: SlotResult, region: string, evidence: EvidenceWriter): Gate {
  const { slot } = r.probe;
  const iso = (t: number) => new Date(t).toISOString();
  const steps: Gate['steps'] = [];
  const files: Gate['evidence'] = [];
  if (r.hr) {
    steps.push({ name: `HelmRelease ${slot.ready.namespace}/${slot.ready.name} Ready`, status: r.hr.ok ? 'passed' : 'failed', startedAt: iso(r.startedAt), finishedAt: iso(r.hr.at), detail: r.hr.reason });
    if (r.hr.observed) files.push(evidence.json(`${slot.name}-helmrelease`, r.hr.observed, 'the HelmRelease as judged'));
  }
  if (r.surface && slot.surface) {
    steps.push({ name: `surface ${slot.surface.kind}`, status: r.surface.ok ? 'passed' : 'failed', startedAt: iso(r.hr?.at ?? r.startedAt), finishedAt: iso(r.surface.at), detail: r.surface.reason });
    if (r.surface.exchange) files.push(evidence.write({ surface: `${slot.name}-surface`, kind: 'http', ext: 'json', content: JSON.stringify(r.surface.exchange, null, 2), description: 'HTTP request and response' }));
    else if (r.surface.observed) files.push(evidence.json(`${slot.name}-surface`, r.surface.observed, `the ${slot.surface.kind} object(s) as judged`));
  }
  for (const f of r.flaps) steps.push({ name: 'flap after passing', status: 'failed', startedAt: iso(f.at), finishedAt: iso(f.at), detail: f.reason });
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
    labels: { slot: slot.slot, dodGate: `slot-${slot.slot}`, layer: slot.layer, tier: slot.tier, region, severity: slot.tier === 0 ? 'blocker' : 'critical' },
    steps,
    evidence: files,
    metrics: { readyAfterMs: r.status === 'passed' ? r.finishedAt - r.startedAt : null },
  };
}
