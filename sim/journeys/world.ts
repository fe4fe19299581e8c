/** Everything the journey sim's services share: mail, bus, signer, and the business state. */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { SimContext } from '../context.js';
import type { SimMail } from '../mail/index.js';
import type { SimNats } from '../nats/index.js';
import { TokenSigner } from './jwt.js';
import { PinAuth } from './pin-auth.js';
import { VoucherBook } from './vouchers.js';
import { OrganizationController } from './org-controller.js';

export const PLANS = [
  { id: 'starter', name: 'Starter', price_omr: 15, blurb: 'One app, community support' },
  { id: 'business', name: 'Business', price_omr: 45, blurb: 'Five apps, business-hours support' },
  { id: 'scale', name: 'Scale', price_omr: 120, blurb: 'Unlimited apps, 24/7 support' },
] as const;

export const APPS = [
  { slug: 'wordpress', name: 'WordPress' },
  { slug: 'stalwart', name: 'Stalwart Mail' },
  { slug: 'openclaw', name: 'OpenClaw' },
] as const;

export const ADDONS = [
  { sku: 'addon.backup-daily', name: 'Daily backups', price_omr: 5, group: 'backing' },
  { sku: 'addon.postgres-ha', name: 'Managed PostgreSQL (HA)', price_omr: 12, group: 'backing' },
  { sku: 'addon.dedicated-ip', name: 'Dedicated egress IP', price_omr: 8, group: 'extra' },
] as const;

export const BCP_PRICE_OMR = 10;
export const CUSTOMER_CODE_TTL_SEC = 600;
export const CUSTOMER_CODE_MAX_ATTEMPTS = 5;

export interface CustomerCode {
  code: string;
  expiresAt: number;
  attempts: number;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  plan_id: string;
  apps: string[];
  addons: string[];
  parent_domain: string;
  status: 'pending_payment' | 'provisioning' | 'completed' | 'failed';
  console_host: string;
  owner_id: string;
  owner_email: string;
  order_id?: string;
}

export class JourneyWorld {
  readonly signer: TokenSigner;
  readonly pins: PinAuth;
  readonly vouchers = new VoucherBook();
  readonly orgs: OrganizationController;
  /** Org-services sign-in codes by e-mail. */
  readonly customerCodes = new Map<string, CustomerCode>();
  readonly tenants = new Map<string, Tenant>();

  constructor(readonly ctx: SimContext, readonly mail: SimMail, readonly nats: SimNats, orgs: OrganizationController) {
    this.signer = new TokenSigner(`https://console.${ctx.sovereign}`);
    this.pins = new PinAuth({ countAttempts: !ctx.faultActive('pin-attempts-unlimited') });
    this.orgs = orgs;
  }

  get sovereign(): string {
    return this.ctx.sovereign;
  }

  newCustomerCode(email: string): string {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.customerCodes.set(email.toLowerCase(), { code, expiresAt: Date.now() + CUSTOMER_CODE_TTL_SEC * 1000, attempts: 0 });
    return code;
  }

  tenantBySlug(slug: string): Tenant | undefined {
    return [...this.tenants.values()].find((t) => t.slug === slug);
  }

  /** The customer identity a marketplace bearer token stands for. */
  customer(token: string | undefined): { id: string; email: string } | undefined {
    const c = this.signer.verify(token);
    return c && c.typ === 'org-access' && typeof c.sub === 'string' && typeof c.email === 'string' ? { id: c.sub, email: c.email } : undefined;
  }

  customerToken(email: string): { token: string; refresh_token: string; user: { id: string; email: string; name: string } } {
    const id = `usr_${Buffer.from(email.toLowerCase()).toString('hex').slice(0, 16)}`;
    return {
      token: this.signer.sign({ typ: 'org-access', sub: id, email: email.toLowerCase() }, 3600),
      refresh_token: randomBytes(24).toString('base64url'),
      user: { id, email: email.toLowerCase(), name: email.split('@')[0] },
    };
  }

  newId(): string {
    return randomUUID();
  }
}
