/**
 * The per-Org console `console.<slug>.<pool>` (§4.1, §4.3): the route exists once the order is
 * placed (DNS and certificate follow the Organization), `/healthz` answers 200 only when the
 * Organization is Ready, `/auth/org-handover?token=` turns the marketplace token into a
 * `catalyst_session` and 302s to `/jobs`, the tenant console's landing page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cookies, redirect, sendHtml, sessionCookie, urlOf } from './http-util.js';
import { consoleAuthPage, esc } from './html.js';
import type { JourneyWorld, Tenant } from './world.js';

const SESSION_TTL_SEC = 8 * 3600;

function jobsPage(t: Tenant, email: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Jobs · ${esc(t.name)}</title>
<style>body{margin:0;font:14px/1.5 system-ui,sans-serif;background:#f4f6fa;color:#1c2330}header{background:#141b2d;color:#fff;padding:14px 28px}
main{padding:28px}table{width:100%;border-collapse:collapse;background:#fff}td,th{text-align:left;padding:8px;border-bottom:1px solid #e7ebf1}</style></head>
<body><header>${esc(t.name)} · tenant console</header><main><h1>Jobs</h1><p>Signed in as ${esc(email)}.</p>
<table><thead><tr><th>Job</th><th>State</th></tr></thead><tbody><tr><td>bootstrap ${esc(t.slug)}</td><td>Succeeded</td></tr></tbody></table></main></body></html>`;
}

function unauthorized(res: ServerResponse): void {
  sendHtml(res, 401, consoleAuthPage({ title: 'Sign in', body: '<h1>Session required</h1><p>Open the console from the marketplace to sign in.</p>', script: '' }));
}

export function serveOrgConsole(w: JourneyWorld, t: Tenant): void {
  w.ctx.web.route(t.console_host, (req: IncomingMessage, res: ServerResponse) => {
    const url = urlOf(req);
    const ready = w.orgs.phase(t.slug) === 'ready';
    if (url.pathname === '/healthz') {
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
      res.end(ready ? 'ok\n' : 'organization is not ready\n');
      return;
    }
    if (!ready) return sendHtml(res, 503, '<h1>Organization is still provisioning</h1>');
    if (url.pathname === '/auth/org-handover') {
      const who = w.customer(url.searchParams.get('token') ?? undefined);
      if (!who || who.id !== t.owner_id) return unauthorized(res);
      const session = w.signer.sign({ typ: 'org-console', sub: who.email, org: t.slug }, SESSION_TTL_SEC);
      return redirect(res, '/jobs', { 'set-cookie': sessionCookie(session) });
    }
    if (url.pathname === '/jobs') {
      const c = w.signer.verify(cookies(req).catalyst_session);
      if (!c || c.typ !== 'org-console' || c.org !== t.slug) return unauthorized(res);
      return sendHtml(res, 200, jobsPage(t, String(c.sub)));
    }
    sendHtml(res, 404, '<h1>Not found</h1>');
  });
}
