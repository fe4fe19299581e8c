/** L1: the deployment record says the Sovereign was handed over (status, handover, IPs, FQDN). */
import type { Evidence, Gate } from '../../gates/types.js';
import type { GateRun } from '../../gates/gate-run.js';
import { exchangeEvidence, type DodCheckSpec } from './check.js';
import type { DodSession } from './session.js';
import { isSetTime, type DeploymentRecord } from './record.js';

type Field = (r: DeploymentRecord, sovereign: string) => { ok: boolean; detail: string };

const FIELDS: { key: string; text: string; judge: Field }[] = [
  {
    key: 'status',
    text: 'deployment record status is ready',
    judge: (r) => ({ ok: r.status === 'ready', detail: `status=${r.status ?? '(missing)'}` }),
  },
  {
    key: 'handover',
    text: 'handover fired (result.handoverFiredAt set, not the zero time)',
    judge: (r) => ({ ok: isSetTime(r.handoverFiredAt), detail: `result.handoverFiredAt=${r.handoverFiredAt ?? '(missing)'}` }),
  },
  {
    key: 'control-plane-ip',
    text: 'control-plane IP recorded (result.controlPlaneIP)',
    judge: (r) => ({ ok: Boolean(r.controlPlaneIP), detail: `result.controlPlaneIP=${r.controlPlaneIP ?? '(missing)'}` }),
  },
  {
    key: 'load-balancer-ip',
    text: 'load-balancer IP recorded (result.loadBalancerIP)',
    judge: (r) => ({ ok: Boolean(r.loadBalancerIP), detail: `result.loadBalancerIP=${r.loadBalancerIP ?? '(missing)'}` }),
  },
  {
    key: 'sovereign-fqdn',
    text: 'record names this Sovereign (request.sovereignFQDN)',
    judge: (r, sov) => ({
      ok: r.sovereignFQDN?.toLowerCase() === sov.toLowerCase(),
      detail: `request.sovereignFQDN=${r.sovereignFQDN ?? '(missing)'}, target ${sov}`,
    }),
  },
];

export function recordChecks(): DodCheckSpec[] {
  return FIELDS.map((f) => ({
    key: `L1.${f.key}`,
    layer: 'L1' as const,
    text: f.text,
    judge: async (s: DodSession, g: GateRun): Promise<Gate> => {
      const src = await s.record();
      g.attach(...(await recordEvidence(s)));
      if (!src.ok) return g.error(src.reason);
      const v = f.judge(src.record, s.sovereign);
      g.addStep({ name: `read ${src.from}`, status: v.ok ? 'passed' : 'failed', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), detail: v.detail });
      return v.ok ? g.pass(v.detail) : g.fail(`deployment record ${src.from}: ${v.detail}`);
    },
  }));
}

/** The fields the checks read (never the raw record, which may carry provider credentials). */
function recordEvidence(s: DodSession): Promise<Evidence[]> {
  return s.shared('evidence:record', async () => {
    const src = await s.record();
    const out: Evidence[] = [];
    if (src.exchange) {
      const withheld = src.exchange.response?.status === 200 ? '(withheld: the record may carry provider credentials)' : undefined;
      out.push(s.h.evidence.json('dod-record-exchange', exchangeEvidence(src.exchange, withheld), `GET ${src.from}`));
    }
    out.push(s.h.evidence.json('dod-record', src.ok ? { from: src.from, record: src.record } : { from: src.from, error: src.reason }, 'deployment record fields read by L1/L6/L7'));
    return out;
  });
}
