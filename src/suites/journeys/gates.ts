/** The journeys suite's gates: the Pillar-1 flow hop by hop, D35, and the negative paths. */
import type { GateLabels } from '../../gates/types.js';

export interface JourneyGateSpec {
  id: string;
  title: string;
  labels: GateLabels;
}

const flow = (name: string, title: string): JourneyGateSpec => ({ id: `journeys/${name}`, title, labels: { dodGate: 'P1', layer: 'journey', severity: 'blocker' } });
const negative = (name: string, title: string): JourneyGateSpec => ({ id: `journeys/${name}`, title, labels: { dodGate: 'P1', layer: 'journey-negative', severity: 'critical' } });

export const G = {
  operatorSignIn: flow('operator-sign-in', 'Operator signs in to console.<sov>'),
  voucherIssue: flow('voucher-issue', 'Operator issues a voucher in BSS → Vouchers'),
  voucherEmail: flow('voucher-email', 'Voucher e-mail reaches the customer with the redeem link'),
  redeem: flow('redeem', 'Customer redeems the voucher: "Voucher valid" with the credit'),
  funnel: flow('funnel', 'Customer picks plan, app, pool subdomain and BCP topology'),
  checkout: flow('checkout', 'Customer signs in with an e-mailed PIN and places the order'),
  organization: flow('organization-ready', 'The Organization appears and reconciles within 60 s'),
  handover: flow('console-handover', 'Launching page hands over to the tenant console'),
  d35: { id: 'journeys/d35-event-latency', title: 'D35: catalyst events → Organization reconcile start ≤ 2 s', labels: { dodGate: 'D35', layer: 'journey', severity: 'critical' } },
  unknownCode: negative('redeem-unknown-code', 'An unknown voucher code shows "Voucher not valid"'),
  inactiveCode: negative('redeem-inactive-ended', 'An inactive voucher shows "This campaign has ended"'),
  exhaustedCode: negative('redeem-exhausted-ended', 'An exhausted voucher shows "This campaign has ended"'),
  pastCap: negative('redemption-past-cap-refused', 'A redemption past max_redemptions is refused at checkout'),
  wrongPin: negative('wrong-pin-attempts', 'Wrong PINs are reported; the third one exhausts the attempts'),
  slugTaken: negative('slug-taken', 'A taken subdomain is reported "already taken"'),
  codePolicy: negative('code-policy-refused', 'The issue modal refuses codes that break the code policy'),
} satisfies Record<string, JourneyGateSpec>;

/** Gate ids in the order the suite judges them. */
export const JOURNEY_GATE_ORDER: readonly string[] = Object.values(G).map((g) => g.id);
