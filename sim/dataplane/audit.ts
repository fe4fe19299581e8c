/**
 * The Continuum's audit step: `catalyst.audit` with header `audit-type`, payload as the
 * controller sends it (openova facts §7), within AuditPublishTimeout (3 s).
 */
import { connect, headers } from 'nats';

const AUDIT_SUBJECT = 'catalyst.audit';
const AUDIT_TIMEOUT_MS = 3_000;

export interface SwitchoverAudit {
  type: 'continuum-switchover';
  continuumName: string;
  applicationName: string;
  fromPrimary: string;
  toPrimary: string;
  lagSeconds: number;
  step: string;
  reason: string;
  message: string;
  initiatedBy: string;
  timestamp: string;
}

export async function publishAudit(natsUrl: string, event: SwitchoverAudit): Promise<void> {
  const nc = await connect({ servers: natsUrl, name: 'sim-continuum', timeout: AUDIT_TIMEOUT_MS });
  try {
    const h = headers();
    h.set('audit-type', event.type);
    nc.publish(AUDIT_SUBJECT, new TextEncoder().encode(JSON.stringify(event)), { headers: h });
    await nc.flush();
  } finally {
    await nc.close();
  }
}
