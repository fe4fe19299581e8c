/**
 * The org-services gateway behind `marketplace.<sov>/api/*` (§4.2, §4.3): public voucher
 * preview, e-mailed sign-in codes, slug checks, Organization creation, checkout (voucher
 * redemption, `catalyst.order.placed` + `catalyst.tenant.created` on the bus, the
 * Organization CR minted by provisioning) and the provisioning status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyError, bearer, readJson, sendJson, str, urlOf } from './http-util.js';
import { ADDONS, BCP_PRICE_OMR, CUSTOMER_CODE_MAX_ATTEMPTS, CUSTOMER_CODE_TTL_SEC, PLANS, type JourneyWorld, type Tenant } from './world.js';
import { serveOrgConsole } from './org-console.js';
import type { CatalystEnvelope } from '../nats/index.js';

const SLUG = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

async function magicLink(w: JourneyWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const email = str((await readJson(req)).email).trim().toLowerCase();
  if (!EMAIL.test(email)) return sendJson(res, 400, { error: 'valid email required' });
  const code = w.newCustomerCode(email);
  await w.mail.send({
    to: email,
    subject: 'Your login code',
    text: `Your login code is ${code}. It expires in 10 minutes.\n`,
    html: `<p>Your login code is <strong>${code}</strong>.</p><p>It expires in 10 minutes.</p>`,
  });
  sendJson(res, 200, { message: 'code sent', expires_in_sec: CUSTOMER_CODE_TTL_SEC });
}

async function verify(w: JourneyWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const b = await readJson(req);
  const email = str(b.email).trim().toLowerCase();
  const entry = w.customerCodes.get(email);
  if (!entry || Date.now() > entry.expiresAt) return sendJson(res, 401, { error: 'invalid or expired code' });
  if (entry.attempts >= CUSTOMER_CODE_MAX_ATTEMPTS) return sendJson(res, 401, { error: 'code invalidated after too many attempts' });
  if (entry.code !== str(b.code).trim()) {
    entry.attempts += 1;
    return sendJson(res, 401, { error: entry.attempts >= CUSTOMER_CODE_MAX_ATTEMPTS ? 'code invalidated after too many attempts' : 'invalid or expired code' });
  }
  w.customerCodes.delete(email);
  sendJson(res, 200, w.customerToken(email));
}

function tenantView(t: Tenant) {
  return { id: t.id, slug: t.slug, name: t.name, plan_id: t.plan_id, apps: t.apps, status: t.status, console_host: t.console_host, parent_domain: t.parent_domain };
}

async function createOrg(w: JourneyWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const who = w.customer(bearer(req));
  if (!who) return sendJson(res, 401, { error: 'unauthorized' });
  const b = await readJson(req);
  const slug = str(b.slug).trim().toLowerCase();
  if (!SLUG.test(slug)) return sendJson(res, 400, { error: 'slug must be 3-63 lowercase letters, digits or hyphens' });
  if (w.tenantBySlug(slug)) return sendJson(res, 409, { error: 'slug already taken' });
  const plan = PLANS.find((p) => p.id === str(b.plan_id));
  if (!plan || !str(b.name).trim()) return sendJson(res, 400, { error: 'name and a valid plan_id are required' });
  const parent = str(b.parent_domain) || w.ctx.poolDomain;
  const t: Tenant = {
    id: w.newId(),
    slug,
    name: str(b.name).trim(),
    plan_id: plan.id,
    apps: strings(b.apps),
    addons: strings(b.addons),
    parent_domain: parent,
    status: b.defer_launch === true ? 'pending_payment' : 'provisioning',
    console_host: `console.${slug}.${parent}`,
    owner_id: who.id,
    owner_email: who.email,
  };
  w.tenants.set(t.id, t);
  sendJson(res, 201, tenantView(t));
}

async function checkout(w: JourneyWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const who = w.customer(bearer(req));
  if (!who) return sendJson(res, 401, { error: 'unauthorized' });
  const b = await readJson(req);
  const t = w.tenants.get(str(b.tenant_id));
  if (!t || t.owner_id !== who.id) return sendJson(res, 404, { error: 'tenant not found' });
  if (t.status !== 'pending_payment') return sendJson(res, 409, { error: 'order already placed for this organization' });
  const plan = PLANS.find((p) => p.id === str(b.plan_id));
  if (!plan) return sendJson(res, 400, { error: 'valid plan_id required' });
  const addons = strings(b.addons);
  const topology = str(b.topology) || 'single-region';
  const total = plan.price_omr + addons.reduce((s, a) => s + (ADDONS.find((x) => x.sku === a)?.price_omr ?? 0), 0) + (topology === 'active-hot-standby' ? BCP_PRICE_OMR : 0);
  const promo = str(b.promo_code).trim().toUpperCase();
  let credit = 0;
  if (promo) {
    const p = w.vouchers.preview(promo);
    const capIgnored = p.status === 410 && w.ctx.faultActive('voucher-cap-ignored');
    if (p.status !== 200 && !capIgnored) return sendJson(res, p.status, { error: p.status === 404 ? 'voucher not valid' : 'voucher is no longer accepting redemptions' });
    credit = 'credit_omr' in p.body ? p.body.credit_omr : 0;
  }
  // A voucher that cannot cover the order is not burnt: the check comes before the redemption.
  if (credit < total) return sendJson(res, 402, { error: 'payment required: no card flow on this Sovereign', due_omr: total - credit });
  if (promo) w.vouchers.redeem(promo, t.slug);
  const orderId = w.newId();
  t.order_id = orderId;
  t.status = 'provisioning';
  await placeOrder(w, t, { orderId, total, promo, topology });
  sendJson(res, 200, { order_id: orderId, paid_by_credit: true, credit_balance: credit - total });
}

/** Billing announces the order, the bridge mirrors it on `catalyst.>`, provisioning mints the Organization. */
async function placeOrder(w: JourneyWorld, t: Tenant, o: { orderId: string; total: number; promo: string; topology: string }): Promise<void> {
  const envelope = (type: string, data: Record<string, unknown>): CatalystEnvelope => ({
    id: w.newId(),
    type,
    source: type === 'order.placed' ? 'billing' : 'tenant',
    timestamp: new Date().toISOString(),
    tenant_id: t.id,
    data,
    metadata: { sovereign: w.sovereign },
  });
  await w.nats.publishCatalyst(
    envelope('order.placed', { order_id: o.orderId, tenant_id: t.id, plan_id: t.plan_id, apps: t.apps, addons: t.addons, amount_omr: o.total, promo_code: o.promo, topology: o.topology, paid_by_credit: true }),
  );
  if (!w.ctx.faultActive('nats-event-missing')) {
    await w.nats.publishCatalyst(
      envelope('tenant.created', {
        id: t.id,
        slug: t.slug,
        name: t.name,
        owner_id: t.owner_id,
        owner_email: t.owner_email,
        plan_id: t.plan_id,
        tier: 'org',
        billing_mode: 'real',
        parent_domain: t.parent_domain,
        package_sku: `plan.${t.plan_id}`,
        addons: t.addons.filter((a) => a.startsWith('addon.')),
        price_source: o.promo ? 'voucher' : 'catalog',
        order_id: o.orderId,
        overage_mode: 'capped',
        grow_ceiling: { vcpu: 4, memory_gb: 8, disk_gb: 100, bandwidth_mbps: 200 },
        spend_limit_month: o.total,
      }),
    );
  }
  w.orgs.create({ slug: t.slug, displayName: t.name, ownerEmail: t.owner_email, parentDomain: t.parent_domain, product: t.apps[0] ?? 'console' })
    .catch((err: unknown) => process.stderr.write(`[sim] provisioning ${t.slug}: ${(err as Error).message}\n`));
  serveOrgConsole(w, t);
}

function provisioning(w: JourneyWorld, req: IncomingMessage, res: ServerResponse, id: string): void {
  const who = w.customer(bearer(req));
  const t = w.tenants.get(id);
  if (!who || !t || t.owner_id !== who.id) return sendJson(res, 404, { error: 'not found' });
  const phase = t.status === 'pending_payment' ? 'pending' : w.orgs.phase(t.slug);
  const status = phase === 'ready' ? 'completed' : phase;
  const org = w.orgs.get(t.slug);
  const message = (org?.status as { conditions?: { type: string; message?: string }[] } | undefined)?.conditions?.find((c) => c.type === 'Ready')?.message ?? '';
  sendJson(res, 200, {
    id: t.order_id ?? t.id,
    tenant_id: t.id,
    status,
    steps: [{ name: 'organization', status, message, started_at: org?.metadata.creationTimestamp ?? null, done_at: null }],
    progress: status === 'completed' ? 100 : status === 'pending' ? 0 : 50,
  });
}

export async function gateway(w: JourneyWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = urlOf(req).pathname;
  try {
    if (req.method === 'POST' && path === '/api/billing/vouchers/redeem-preview') {
      const code = str((await readJson(req)).code).trim().toUpperCase();
      const p = w.vouchers.preview(code);
      if (p.status !== 200 && w.ctx.faultActive('voucher-preview-lenient')) {
        return sendJson(res, 200, { code, credit_omr: 'credit_omr' in p.body ? p.body.credit_omr : 0, description: '', active: true, accepting_redemptions: true });
      }
      return sendJson(res, p.status, p.body);
    }
    if (req.method === 'POST' && (path === '/api/auth/magic-link' || path === '/api/auth/send-pin')) return await magicLink(w, req, res);
    if (req.method === 'POST' && (path === '/api/auth/verify' || path === '/api/auth/verify-pin')) return await verify(w, req, res);
    const slug = /^\/api\/tenant\/check-slug\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && slug) {
      const taken = Boolean(w.tenantBySlug(decodeURIComponent(slug[1]).toLowerCase())) && !w.ctx.faultActive('slug-check-off');
      return sendJson(res, 200, { available: !taken });
    }
    if (req.method === 'POST' && path === '/api/tenant/orgs') return await createOrg(w, req, res);
    if (req.method === 'GET' && path === '/api/tenant/orgs') {
      const who = w.customer(bearer(req));
      if (!who) return sendJson(res, 401, { error: 'unauthorized' });
      return sendJson(res, 200, [...w.tenants.values()].filter((t) => t.owner_id === who.id).map(tenantView));
    }
    if (req.method === 'POST' && path === '/api/billing/checkout') return await checkout(w, req, res);
    const prov = /^\/api\/provisioning\/tenant\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && prov) return provisioning(w, req, res, decodeURIComponent(prov[1]));
    sendJson(res, 404, { error: 'not found' });
  } catch (e) {
    if (e instanceof BodyError) return sendJson(res, 400, { error: e.message });
    throw e;
  }
}
