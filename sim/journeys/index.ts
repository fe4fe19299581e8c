/**
 * The journeys part of the simulated Sovereign: console (PIN sign-in, BSS vouchers) on
 * `console.<sov>`, the storefront funnel and its org-services API on `marketplace.<sov>`, the
 * Organization model on the primary region, per-Org consoles, SMTP mail and the NATS bus.
 */
import type { SimContext } from '../context.js';
import { installMail } from '../mail/index.js';
import { installNats } from '../nats/index.js';
import { OrganizationController } from './org-controller.js';
import { JourneyWorld } from './world.js';
import { consoleApi } from './console-api.js';
import { consolePages } from './console-pages.js';
import { gateway } from './gateway.js';
import { MARKETPLACE_PAGE_PATHS, marketplacePages } from './marketplace-pages.js';
import './faults.js';

export { JOURNEY_FAULT_KINDS } from './faults.js';

/** Paths this module renders on `console.<sov>` (the console's pods serve `/`, the bundles and `/healthz`). */
const CONSOLE_PATHS = ['/login', '/dashboard', '/bss', '/organizations'];
const CONSOLE_API_PATHS = ['/api/v1/auth', '/api/v1/sme/billing/vouchers'];
const MARKETPLACE_API_PATHS = ['/api/billing', '/api/auth', '/api/tenant', '/api/provisioning'];

const installed = new WeakSet<SimContext>();

/** Installs the journeys world once per sim; a second call is a no-op. */
export async function installJourneys(ctx: SimContext): Promise<void> {
  if (installed.has(ctx)) return;
  installed.add(ctx);
  const [mail, nats, orgs] = await Promise.all([installMail(ctx), installNats(ctx), OrganizationController.start(ctx)]);
  const w = new JourneyWorld(ctx, mail, nats, orgs);
  const consoleHost = `console.${ctx.sovereign}`;
  const marketHost = `marketplace.${ctx.sovereign}`;
  ctx.web.route(consoleHost, (req, res) => consolePages(w, req, res), { paths: CONSOLE_PATHS });
  ctx.web.route(consoleHost, (req, res) => consoleApi(w, req, res), { paths: CONSOLE_API_PATHS });
  ctx.web.route(marketHost, (req, res) => marketplacePages(w, req, res), { paths: MARKETPLACE_PAGE_PATHS });
  ctx.web.route(marketHost, (req, res) => gateway(w, req, res), { paths: MARKETPLACE_API_PATHS });
}
