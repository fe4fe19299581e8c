/**
 * The Sovereign Console pages the journeys walk (§4.1, §4.2): PIN login, dashboard, BSS landing,
 * the `/bss/*` redirects of the newest router, Organizations, and the Vouchers page with its
 * issue modal (test ids and copy as upstream's VouchersPage).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redirect, sendHtml, urlOf } from './http-util.js';
import { consoleAuthPage, consolePage, esc, pinInputs } from './html.js';
import { consoleSession } from './console-api.js';
import { POLICY_TOO_PREDICTABLE, POLICY_TOO_SHORT } from './vouchers.js';
import type { JourneyWorld } from './world.js';

export const POST_AUTH_REDIRECT = '/dashboard';

const BSS_REDIRECTS: Record<string, string> = {
  '/bss/vouchers': '/organizations/billing/vouchers',
  '/bss/tenants': '/organizations',
  '/bss/billing': '/organizations/billing/billing',
  '/bss/orders': '/organizations/billing/orders',
  '/bss/revenue': '/organizations/billing/revenue',
};

function loginPage(): string {
  return consoleAuthPage({
    title: 'Sign in',
    body: `<h1>Sign in to the Sovereign Console</h1><p>We will e-mail you a 6-digit sign-in code.</p>
<form id="f"><label for="email">Email</label><input id="email" type="email" autocomplete="email" required placeholder="you@company.com">
<p role="alert" id="err" hidden></p><button type="submit" id="send">Send sign-in code</button></form>`,
    script: `$('#f').onsubmit=async e=>{e.preventDefault();const email=$('#email').value.trim();$('#send').disabled=true;$('#send').textContent='Sending…';
const r=await api('/api/v1/auth/pin/issue',{email});
if(r.ok){location.href='/login/verify?email='+encodeURIComponent(email)+'&requestId='+encodeURIComponent(r.body.requestId);return}
$('#err').textContent=r.status===429?'Please wait a moment before asking for another code.':'Could not send the code ('+(r.body.error||r.status)+').';
$('#err').hidden=false;$('#send').disabled=false;$('#send').textContent='Send sign-in code'};`,
  });
}

function verifyPage(email: string): string {
  return consoleAuthPage({
    title: 'Enter code',
    body: `<h1>Enter your sign-in code</h1><p>We sent a code to <strong>${esc(email)}</strong>. It expires in 10 minutes.</p>
<form id="f">${pinInputs('login-pin', 'Sign-in code')}<p role="alert" id="err" hidden></p><button type="submit" id="go">Verify</button>
<p><a href="/login">Use a different e-mail or send a new code</a></p></form>`,
    script: `const pin=pinBoxes($('[data-testid=login-pin]'));const q=new URLSearchParams(location.search);
$('#f').onsubmit=async e=>{e.preventDefault();$('#go').disabled=true;
const r=await api('/api/v1/auth/pin/verify',{email:q.get('email'),pin:pin.value(),requestId:q.get('requestId')});
if(r.ok){location.href=${JSON.stringify(POST_AUTH_REDIRECT)};return}
const msg=r.body.error==='pin-invalid'?'Incorrect code — '+r.body.attemptsRemaining+' attempt'+(r.body.attemptsRemaining===1?'':'s')+' remaining.'
:r.body.error==='attempts-exceeded'?'Too many attempts — request a new code.':r.body.error==='pin-expired'?'This code has expired — request a new code.':'Sign-in failed ('+r.status+').';
$('#err').textContent=msg;$('#err').hidden=false;pin.clear();$('#go').disabled=r.status===410};`,
  });
}

function dashboardPage(w: JourneyWorld, email: string): string {
  const orgs = w.orgs.list().length;
  return consolePage({
    title: 'Dashboard',
    sovereign: w.sovereign,
    active: '/dashboard',
    body: `<h1>Dashboard</h1><p>Signed in as <strong>${esc(email)}</strong>.</p>
<div class="card"><h2>Organizations</h2><p>${orgs} organization(s) on this Sovereign. <a href="/organizations">Open Organizations</a></p></div>
<div class="card"><h2>Business support</h2><p><a href="/bss">Revenue, vouchers and organizations</a></p></div>`,
  });
}

function bssPage(w: JourneyWorld): string {
  const card = (title: string, text: string, href: string) => `<div class="card"><h2>${title}</h2><p>${text}</p><a href="${href}">Open ${title}</a></div>`;
  return consolePage({
    title: 'BSS',
    sovereign: w.sovereign,
    active: '/bss',
    body: `<h1>BSS</h1>${card('Revenue', 'Monthly revenue, orders and invoices.', '/bss/revenue')}${card('Vouchers', 'Issue, list, revoke trial / discount vouchers.', '/bss/vouchers')}${card('Organizations', 'Every organization on this Sovereign.', '/bss/tenants')}`,
  });
}

function organizationsPage(w: JourneyWorld): string {
  const rows = w.orgs
    .list()
    .map((o) => {
      const spec = (o.spec ?? {}) as { displayName?: string; tenantPublic?: { parentDomain?: string } };
      return `<tr><td>${esc(o.metadata.name)}</td><td>${esc(spec.displayName ?? '')}</td><td>${esc(spec.tenantPublic?.parentDomain ?? '')}</td><td>${esc(w.orgs.phase(o.metadata.name))}</td></tr>`;
    })
    .join('');
  return consolePage({
    title: 'Organizations',
    sovereign: w.sovereign,
    active: '/organizations',
    body: `<h1>Organizations</h1><table><thead><tr><th>Slug</th><th>Name</th><th>Parent domain</th><th>State</th></tr></thead><tbody>${rows}</tbody></table>`,
  });
}

function vouchersPage(w: JourneyWorld): string {
  const field = (label: string, id: string, attrs: string) => `<label for="${id}">${label}</label><input id="${id}" data-testid="${id}" ${attrs}>`;
  return consolePage({
    title: 'BSS — Vouchers',
    sovereign: w.sovereign,
    active: '/bss',
    body: `<a href="/bss" data-testid="sov-bss-back-to-landing-vouchers">← Back to BSS overview</a><h1>BSS — Vouchers</h1>
<div class="toolbar"><input type="search" aria-label="Search vouchers" placeholder="Search code or description…" data-testid="bss-vouchers-search">
<select aria-label="Status" data-testid="bss-vouchers-status-filter"><option value="">All statuses</option><option value="active">Active</option><option value="inactive">Inactive</option><option value="exhausted">Exhausted</option><option value="revoked">Revoked</option></select>
<button data-testid="bss-vouchers-issue-cta">+ Issue voucher</button></div>
<table data-testid="bss-vouchers-table" hidden><thead><tr><th>Code</th><th>Recipient email</th><th>Plan</th><th>Value</th><th>Status</th><th>Issued</th><th>Expires</th><th>Redeemed by</th></tr></thead><tbody id="rows"></tbody></table>
<p data-testid="bss-vouchers-empty" hidden>No vouchers issued yet. Click "+ Issue voucher" to mint a prepaid code.</p>
<div role="dialog" aria-modal="true" aria-labelledby="ivh" data-testid="bss-issue-voucher-modal" hidden><h2 id="ivh">Issue voucher</h2><form id="issue">
${field('Code', 'bss-issue-voucher-code', 'placeholder="LAUNCH2026"')}
${field('Credit (OMR)', 'bss-issue-voucher-credit', 'type="number" min="1" placeholder="50"')}
${field('Description (optional)', 'bss-issue-voucher-description', 'placeholder="Launch promotion — first 100 organizations"')}
${field('Max redemptions (optional)', 'bss-issue-voucher-max-redemptions', 'type="number" min="1" placeholder="Leave blank for unlimited"')}
${field('Recipient email (optional)', 'bss-issue-voucher-recipient', 'type="email" placeholder="founder@tenant.example"')}
<p role="alert" data-testid="bss-issue-voucher-error" hidden></p>
<div class="row" style="margin-top:14px"><button type="button" class="secondary" id="cancel">Cancel</button><button type="submit" data-testid="bss-issue-voucher-submit">Issue voucher</button></div></form></div>`,
    script: `const T=id=>document.querySelector('[data-testid="'+id+'"]');
const status=v=>!v.active?'Inactive':v.max_redemptions>0&&v.times_redeemed>=v.max_redemptions?'Exhausted':'Active';
let all=[];
const render=()=>{const q=T('bss-vouchers-search').value.toLowerCase();const f=T('bss-vouchers-status-filter').value;
const list=all.filter(v=>(!q||v.code.toLowerCase().includes(q)||v.description.toLowerCase().includes(q))&&(!f||status(v).toLowerCase()===f));
T('bss-vouchers-table').hidden=!all.length;T('bss-vouchers-empty').hidden=!!all.length;const rows=$('#rows');rows.replaceChildren();
for(const v of list){const s=status(v);const tr=document.createElement('tr');tr.dataset.testid='bss-voucher-row-'+v.code;
const cells=['',v.recipient_email||'—','Any plan',v.credit_omr+' OMR','',v.created_at.slice(0,10),'—',v.redeemed_by.join(', ')||'—'];
for(const c of cells){const td=document.createElement('td');td.textContent=c;tr.append(td)}
const tg=document.createElement('button');tg.className='secondary';tg.dataset.testid='bss-voucher-toggle-'+v.code;tg.textContent=v.code;tg.setAttribute('aria-expanded','false');tr.cells[0].append(tg);
const pill=document.createElement('span');pill.className='pill '+s.toLowerCase();pill.dataset.testid='bss-voucher-status-'+v.code;pill.textContent=s;tr.cells[4].append(pill);
const dr=document.createElement('tr');dr.dataset.testid='bss-voucher-drawer-'+v.code;dr.hidden=true;const td=document.createElement('td');td.colSpan=8;
td.textContent=(v.description||'No description')+' · redeemed '+v.times_redeemed+(v.max_redemptions?' of '+v.max_redemptions:'')+' · ';
const rv=document.createElement('button');rv.dataset.testid='bss-voucher-revoke-'+v.code;rv.textContent='Revoke voucher';
rv.onclick=async()=>{if(!confirm('Revoke voucher '+v.code+'?'))return;await fetch('/api/v1/sme/billing/vouchers/revoke/'+encodeURIComponent(v.code),{method:'DELETE'});load()};
td.append(rv);dr.append(td);tg.onclick=()=>{dr.hidden=!dr.hidden;tg.setAttribute('aria-expanded',String(!dr.hidden))};rows.append(tr,dr)}};
const load=async()=>{const r=await api('/api/v1/sme/billing/vouchers/list');if(r.status===401){location.href='/login';return}all=r.body.vouchers||[];render()};
T('bss-vouchers-search').oninput=render;T('bss-vouchers-status-filter').onchange=render;
const modal=T('bss-issue-voucher-modal');const err=T('bss-issue-voucher-error');const submit=T('bss-issue-voucher-submit');
const fail=m=>{err.textContent=m;err.hidden=false};
T('bss-vouchers-issue-cta').onclick=()=>{$('#issue').reset();err.hidden=true;modal.hidden=false;T('bss-issue-voucher-code').focus()};
$('#cancel').onclick=()=>{modal.hidden=true};
$('#issue').onsubmit=async e=>{e.preventDefault();err.hidden=true;const code=T('bss-issue-voucher-code').value.trim().toUpperCase();
const bare=code.replace(/-/g,'');const policy=${JSON.stringify(!w.ctx.faultActive('code-policy-off'))};
if(policy&&code&&bare.length<12)return fail(${JSON.stringify(POLICY_TOO_SHORT)});
if(policy&&code&&new Set(bare).size<6)return fail(${JSON.stringify(POLICY_TOO_PREDICTABLE)});
const credit=Number(T('bss-issue-voucher-credit').value);if(!Number.isInteger(credit)||credit<1)return fail('Credit value must be a positive integer (OMR).');
const body={code,credit_omr:credit,active:true};const d=T('bss-issue-voucher-description').value.trim();if(d)body.description=d;
const m=T('bss-issue-voucher-max-redemptions').value.trim();if(m)body.max_redemptions=Number(m);
const rc=T('bss-issue-voucher-recipient').value.trim();if(rc)body.recipient_email=rc;
submit.disabled=true;submit.textContent='Issuing…';const r=await api('/api/v1/sme/billing/vouchers/issue',body);submit.disabled=false;submit.textContent='Issue voucher';
if(!r.ok)return fail(r.body.error||('Issue failed ('+r.status+')'));modal.hidden=true;await load()};
load();`,
  });
}

/** Pages on `console.<sov>`: everything but catalyst-api's JSON routes. */
export function consolePages(w: JourneyWorld, req: IncomingMessage, res: ServerResponse): void {
  const url = urlOf(req);
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/login') return sendHtml(res, 200, loginPage());
  if (path === '/login/verify') return sendHtml(res, 200, verifyPage(url.searchParams.get('email') ?? ''));
  const session = consoleSession(w, req);
  if (!session) return redirect(res, '/login');
  if (BSS_REDIRECTS[path]) return redirect(res, BSS_REDIRECTS[path]);
  if (path === '/dashboard') return sendHtml(res, 200, dashboardPage(w, session.email));
  if (path === '/bss') return sendHtml(res, 200, bssPage(w));
  if (path === '/organizations') return sendHtml(res, 200, organizationsPage(w));
  if (path === '/organizations/billing/vouchers') return sendHtml(res, 200, vouchersPage(w));
  sendHtml(res, 404, consolePage({ title: 'Not found', sovereign: w.sovereign, active: '', body: '<h1>Page not found</h1>' }));
}
