/**
 * What a live walk refuses before it starts anything (SetupError, exit 2, one line, before any
 * fault): journeys that would wait for mail nobody can deliver, and an hcloud region kill whose
 * servers are not provably this Sovereign's region. Journeys' addresses derived from the
 * mailbox are written into the options the suites read.
 */
import type { WalkOptions } from '../run/context.js';
import type { TargetSpec } from '../target/types.js';
import { SetupError } from '../target/errors.js';
import { RegionClient } from '../target/kube.js';
import { killSpecFor } from '../failover/actuators/index.js';
import { hcloudApi } from '../failover/actuators/hcloud-api.js';
import { hcloudKillScope } from '../failover/actuators/hcloud-scope.js';

/** `walk@example.com` → `walk+operator@example.com`: plus-addressing delivers to the same mailbox. */
export function derivedAddress(mailboxUser: string | undefined, role: 'operator' | 'customer'): string | undefined {
  const m = /^([^@\s+]+)(?:\+[^@\s]*)?@([^@\s]+\.[^@\s]+)$/.exec(mailboxUser ?? '');
  return m ? `${m[1]}+${role}@${m[2]}` : undefined;
}

function mailboxes(target: TargetSpec, options: WalkOptions): void {
  if (!options.suites.includes('journeys')) return;
  if (!target.mailbox) throw new SetupError(`journeys on ${target.sovereign} read the voucher mail and PINs from a mailbox: set SW_IMAP_HOST/SW_IMAP_USER/SW_IMAP_PASSWORD (or SW_MAILPIT_URL), or leave journeys out with --suite`);
  const user = target.mailbox.kind === 'imap' ? target.mailbox.user : undefined;
  options.operatorEmail ||= derivedAddress(user, 'operator') ?? '';
  options.customerEmail ||= derivedAddress(user, 'customer') ?? '';
  const missing = [!options.operatorEmail && '--operator-email', !options.customerEmail && '--customer-email'].filter(Boolean);
  if (missing.length) throw new SetupError(`journeys on ${target.sovereign} wait for mail at the operator and customer addresses: pass ${missing.join(' and ')} (addresses the configured mailbox receives), or set SW_IMAP_USER to an address to derive them from (user+operator@domain, user+customer@domain)`);
}

async function killScope(target: TargetSpec, options: WalkOptions, env: NodeJS.ProcessEnv): Promise<void> {
  if (!options.suites.includes('failover') || !options.allowChaos) return;
  const primary = target.regions.find((r) => r.role === 'primary') ?? target.regions[0];
  if (!primary) return;
  const mode = options.killMode ?? primary.kill?.kind;
  if (mode === undefined && env.HCLOUD_TOKEN) throw new SetupError(`HCLOUD_TOKEN is set but no --hcloud-selector (or SW_HCLOUD_LABEL_SELECTOR) names the servers of ${primary.name}: the harness never guesses which servers are this Sovereign's`);
  if (mode !== 'hcloud') return;
  let labelSelector: string;
  try {
    const spec = killSpecFor(primary, options.killMode, {}, env);
    if (spec.kind !== 'hcloud') return;
    labelSelector = spec.labelSelector;
  } catch (e) {
    throw new SetupError((e as Error).message);
  }
  const client = new RegionClient(primary);
  try {
    await hcloudKillScope(client, labelSelector, hcloudApi(env));
  } catch (e) {
    throw new SetupError(`failover: ${(e as Error).message}`);
  } finally {
    client.close();
  }
}

export async function refuseUnsafeLive(target: TargetSpec, options: WalkOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (target.kind !== 'live') return;
  mailboxes(target, options);
  await killScope(target, options, env);
}
