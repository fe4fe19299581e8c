/** The journey faults `--sim-fault` accepts, registered with the sim's fault registry at load. */
import { registerFaultKinds, type SimFaultKind } from '../faults.js';

export const JOURNEY_FAULT_KINDS: readonly SimFaultKind[] = [
  { kind: 'voucher-mail-missing', description: 'journeys: the voucher-issued e-mail is never sent', needsArg: false },
  { kind: 'redeem-link-plain', description: 'journeys: the voucher e-mail links /redeem?code= instead of /redeem/?code=', needsArg: false },
  { kind: 'org-slow', description: 'journeys: the Organization reconciles to Ready only after 90 s', needsArg: false },
  { kind: 'org-failing', description: 'journeys: the Organization\'s vCluster goes to phase Failed', needsArg: false },
  { kind: 'nats-event-missing', description: 'journeys: catalyst.tenant.created is never published', needsArg: false },
  { kind: 'voucher-preview-lenient', description: 'journeys: redeem-preview calls every code valid (unknown, inactive, exhausted)', needsArg: false },
  { kind: 'voucher-cap-ignored', description: 'journeys: checkout redeems vouchers past max_redemptions', needsArg: false },
  { kind: 'pin-attempts-unlimited', description: 'journeys: wrong console PINs are never counted', needsArg: false },
  { kind: 'code-policy-off', description: 'journeys: the issue modal and the server accept any voucher code', needsArg: false },
  { kind: 'slug-check-off', description: 'journeys: the subdomain availability check calls every subdomain available', needsArg: false },
];

registerFaultKinds(JOURNEY_FAULT_KINDS);
