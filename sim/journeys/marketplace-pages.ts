/**
 * The storefront funnel on `marketplace.<sov>` (§4.3): redeem, plans, apps, add-ons (subdomain
 * on a pool domain with a live availability check), BCP topology, review, checkout with an
 * e-mailed PIN, and the launching page that hands over to the per-Org console.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendHtml, urlOf } from './http-util.js';
import { esc, marketplacePage, pinInputs } from './html.js';
import { ADDONS, APPS, BCP_PRICE_OMR, PLANS, type JourneyWorld } from './world.js';

/** Catalog data for the client scripts (prices, names). */
function catalogJs(w: JourneyWorld): string {
  return `const PLANS=${JSON.stringify(PLANS)};const ADDONS=${JSON.stringify(ADDONS)};const BCP=${BCP_PRICE_OMR};const POOL=${JSON.stringify(w.ctx.poolDomain)};
const total=c=>{const p=PLANS.find(x=>x.id===c.plan);return (p?p.price_omr:0)+c.addons.reduce((s,a)=>s+(ADDONS.find(x=>x.sku===a)||{price_omr:0}).price_omr,0)+(c.topology==='active-hot-standby'?BCP:0)};`;
}

function redeemPage(w: JourneyWorld): string {
  return marketplacePage({
    title: 'Redeem voucher',
    sovereign: w.sovereign,
    body: `<div class="card" id="state"><h1>Validating voucher…</h1></div>`,
    script: `const code=(new URLSearchParams(location.search).get('code')||'').trim().toUpperCase();const box=$('#state');
const show=h=>{box.innerHTML=h};
(async()=>{if(!code){show('<h1>No voucher code</h1><form id="f"><label for="c">Voucher code</label><input id="c" placeholder="VOUCHER-CODE"> <button>Check</button></form>');
$('#f').onsubmit=e=>{e.preventDefault();location.href='/redeem/?code='+encodeURIComponent($('#c').value)};return}
const r=await api('/api/billing/vouchers/redeem-preview',{code});
if(r.status===200){show('<h1>Voucher valid</h1><h2 id="redeem-valid-credit">'+r.body.credit_omr+' OMR credit</h2><p></p><button id="go">Choose a plan</button>');
box.querySelector('p').textContent=r.body.description||'';
$('#go').onclick=()=>{localStorage.setItem('org-pending-voucher',r.body.code);location.href='/plans'};return}
if(r.status===410){show('<h1>This campaign has ended</h1><p>The voucher is no longer accepting redemptions.</p><a href="/plans">See plans</a>');return}
show('<h1>Voucher not valid</h1><p>Check the code in your e-mail.</p><a href="/plans">See plans</a>')})();`,
  });
}

function plansPage(w: JourneyWorld): string {
  const cards = PLANS.map(
    (p) => `<div class="card"><h2>${esc(p.name)}</h2><p>${esc(p.blurb)}</p><p><strong>${p.price_omr} OMR</strong> / month</p><button data-plan="${p.id}" aria-label="Select ${esc(p.name)}">Select</button></div>`,
  ).join('');
  return marketplacePage({
    title: 'Plans',
    sovereign: w.sovereign,
    step: 'plans',
    body: `<h1>Choose your plan</h1><div class="grid">${cards}</div>`,
    script: `${catalogJs(w)}document.querySelectorAll('[data-plan]').forEach(b=>b.onclick=()=>{const c=cart();const p=PLANS.find(x=>x.id===b.dataset.plan);
c.plan=p.id;c.planName=p.name;saveCart(c);location.href='/apps'});`,
  });
}

function appsPage(w: JourneyWorld): string {
  const boxes = APPS.map((a) => `<label><input type="checkbox" value="${a.slug}"> ${esc(a.name)} <span class="pill">Free</span></label>`).join('');
  return marketplacePage({
    title: 'Apps',
    sovereign: w.sovereign,
    step: 'apps',
    body: `<h1>Choose your apps</h1><div class="card">${boxes}</div><button id="next">Continue</button>`,
    script: `const c=cart();document.querySelectorAll('input[type=checkbox]').forEach(b=>b.checked=c.apps.includes(b.value));
$('#next').onclick=()=>{c.apps=[...document.querySelectorAll('input:checked')].map(b=>b.value);saveCart(c);location.href='/addons'};`,
  });
}

function addonsPage(w: JourneyWorld): string {
  const pools = [...new Set([w.ctx.poolDomain, 'omani.homes', 'omani.works'])];
  const addon = (g: string) =>
    ADDONS.filter((a) => a.group === g)
      .map((a) => `<label><input type="checkbox" value="${a.sku}"> ${esc(a.name)} (+${a.price_omr} OMR)</label>`)
      .join('');
  return marketplacePage({
    title: 'Setup & extras',
    sovereign: w.sovereign,
    step: 'addons',
    body: `<h1>Setup &amp; extras</h1><div class="card"><h2>Your domain</h2>
<label for="sub">Subdomain</label><div class="row"><input id="sub" placeholder="my-company" autocomplete="off"><span>.</span>
<select id="tld" aria-label="Domain">${pools.map((p) => `<option value="${esc(p)}">${esc(p)}</option>`).join('')}</select></div>
<p id="avail" aria-live="polite"></p>
<label for="byod">Bring your own domain</label><input id="byod" placeholder="app.yourcompany.com"></div>
<div class="card"><h2>Backing services</h2>${addon('backing')}</div><div class="card"><h2>Optional extras</h2>${addon('extra')}</div>
<button id="next" disabled>Continue</button>`,
    script: `const c=cart();const sub=$('#sub'),tld=$('#tld'),av=$('#avail'),next=$('#next');let seq=0;
sub.value=c.subdomain||'';if(c.tld)tld.value=c.tld;document.querySelectorAll('input[type=checkbox]').forEach(b=>b.checked=c.addons.includes(b.value));
const check=async()=>{const s=sub.value.trim().toLowerCase();const mine=++seq;next.disabled=true;av.className='';
if(s.length<3){av.textContent=s?'Subdomain must be at least 3 characters':'';return}
av.textContent='Checking availability…';const r=await api('/api/tenant/check-slug/'+encodeURIComponent(s));if(mine!==seq)return;
if(r.ok&&r.body.available){av.textContent='✓ '+s+' is available';av.className='ok';next.disabled=false}else{av.textContent='✗ '+s+' is already taken';av.className='bad'}};
let t;sub.oninput=()=>{clearTimeout(t);t=setTimeout(check,250)};if(sub.value)check();
next.onclick=()=>{c.subdomain=sub.value.trim().toLowerCase();c.tld=tld.value;c.addons=[...document.querySelectorAll('input:checked')].map(b=>b.value);saveCart(c);location.href='/bcp'};`,
  });
}

function bcpPage(w: JourneyWorld): string {
  return marketplacePage({
    title: 'Business continuity',
    sovereign: w.sovereign,
    step: 'bcp',
    body: `<h1>Business continuity</h1><div class="card">
<label><input type="radio" name="topology" value="single-region" checked> Single region</label>
<label><input type="radio" name="topology" value="active-hot-standby"> Active hot-standby (+${BCP_PRICE_OMR} OMR) — a second region takes over within a minute</label></div>
<button id="next">Continue</button>`,
    script: `const c=cart();if(c.topology)document.querySelector('input[value="'+c.topology+'"]').checked=true;
$('#next').onclick=()=>{c.topology=document.querySelector('input[name=topology]:checked').value;saveCart(c);location.href='/review'};`,
  });
}

function reviewPage(w: JourneyWorld): string {
  return marketplacePage({
    title: 'Review',
    sovereign: w.sovereign,
    step: 'review',
    body: `<h1>Review your order</h1><div class="card"><dl id="sum"></dl></div><button id="next">Continue to checkout</button>`,
    script: `${catalogJs(w)}const c=cart();const rows=[['Plan',c.planName],['Apps',(c.apps.join(', ')||'none')],['Add-ons',(c.addons.join(', ')||'none')],
['Domain',c.subdomain+'.'+c.tld],['Topology',c.topology],['Total (monthly)',total(c)+' OMR']];
for(const[k,v]of rows){const dt=document.createElement('dt');dt.textContent=k;const dd=document.createElement('dd');dd.textContent=v;$('#sum').append(dt,dd)}
$('#next').onclick=()=>{location.href='/checkout'};`,
  });
}

function checkoutPage(w: JourneyWorld): string {
  return marketplacePage({
    title: 'Checkout',
    sovereign: w.sovereign,
    step: 'checkout',
    body: `<section id="signin" class="card"><h1>Sign in to continue</h1>
<form id="ef"><label for="email">Email</label><input id="email" type="email" placeholder="you@company.com" required> <button id="send">Send sign-in code</button></form>
<form id="pf" hidden><label>Sign-in code</label>${pinInputs('checkout-pin', 'Sign-in code')}<p>Codes expire after 10 minutes — check your spam folder.</p>
<button id="verify">Verify &amp; Continue</button></form><p role="alert" id="aerr" hidden></p></section>
<section id="order" hidden><div class="card"><p>Signed in as <span class="pill" id="checkout-email-pill-text"></span></p>
<label for="org">Organization name</label><input id="org" placeholder="My Company">
<label>Subdomain</label><p><strong id="fqdn"></strong> <a href="/addons">Change</a></p></div>
<div class="card"><h2>Order summary</h2><dl id="sum"></dl><p id="covers" class="ok" hidden>✓ Credit covers this order — no card charge needed.</p></div>
<div class="card"><h2>Payment method</h2><div class="row"><button class="secondary" aria-label="Apple Pay" aria-pressed="false">Apple Pay</button>
<button class="secondary" aria-label="Mastercard" aria-pressed="false">Mastercard</button><button class="secondary" aria-label="Visa" aria-pressed="false">Visa</button></div></div>
<p role="alert" id="oerr" hidden></p><button id="place">Place order</button></section>`,
    script: `${catalogJs(w)}const c=cart();const voucher=localStorage.getItem('org-pending-voucher')||'';const pin=pinBoxes($('[data-testid=checkout-pin]'));
const err=(id,m)=>{$(id).textContent=m;$(id).hidden=false};
const showOrder=async()=>{$('#signin').hidden=true;$('#order').hidden=false;$('#checkout-email-pill-text').textContent=c.email||'';$('#fqdn').textContent=c.subdomain+'.'+c.tld;
$('#org').value=c.orgName||'';let credit=0;if(voucher){const p=await api('/api/billing/vouchers/redeem-preview',{code:voucher});if(p.ok)credit=p.body.credit_omr}
const t=total(c);const rows=[['Plan',c.planName+' — '+(PLANS.find(x=>x.id===c.plan)||{}).price_omr+' OMR'],['Apps ('+c.apps.length+')','Free'],...c.addons.map(a=>[a,(ADDONS.find(x=>x.sku===a)||{}).price_omr+' OMR']),
...(c.topology==='active-hot-standby'?[['+ Active hot-standby (BCP)',BCP+' OMR']]:[]),['Total (monthly)',t+' OMR'],['Credit available',credit+' OMR'],['Due now',Math.max(0,t-credit)+' OMR']];
for(const[k,v]of rows){const dt=document.createElement('dt');dt.textContent=k;const dd=document.createElement('dd');dd.textContent=v;$('#sum').append(dt,dd)}
$('#covers').hidden=credit<t};
$('#ef').onsubmit=async e=>{e.preventDefault();$('#send').disabled=true;$('#send').textContent='Sending...';const email=$('#email').value.trim();
const r=await api('/api/auth/magic-link',{email});$('#send').disabled=false;$('#send').textContent='Send sign-in code';
if(!r.ok)return err('#aerr',r.body.error||'Could not send the code');c.email=email;saveCart(c);$('#pf').hidden=false;$('#aerr').hidden=true;pin.clear()};
$('#pf').onsubmit=async e=>{e.preventDefault();$('#verify').disabled=true;$('#verify').textContent='Verifying...';
const r=await api('/api/auth/verify',{email:c.email,code:pin.value()});$('#verify').disabled=false;$('#verify').textContent='Verify & Continue';
if(!r.ok){pin.clear();return err('#aerr',r.body.error||'Sign-in failed')}
localStorage.setItem('org-token',r.body.token);localStorage.setItem('org-refresh-token',r.body.refresh_token);showOrder()};
$('#place').onclick=async()=>{$('#oerr').hidden=true;const token=localStorage.getItem('org-token');c.orgName=$('#org').value.trim();saveCart(c);
if(!c.orgName)return err('#oerr','Enter an organization name');$('#place').disabled=true;
const o=await api('/api/tenant/orgs',{slug:c.subdomain,name:c.orgName,plan_id:c.plan,apps:c.apps,addons:c.addons,parent_domain:c.tld,defer_launch:true},token);
if(!o.ok){$('#place').disabled=false;return err('#oerr',o.status===409?'✗ '+c.subdomain+' is already taken':(o.body.error||'Could not create the organization'))}
const k=await api('/api/billing/checkout',{plan_id:c.plan,apps:c.apps,addons:c.addons,tenant_id:o.body.id,promo_code:voucher||undefined,topology:c.topology},token);
if(!k.ok){$('#place').disabled=false;return err('#oerr',k.body.error||'Checkout failed')}
localStorage.setItem('org-active-org',o.body.id);localStorage.setItem('org-active-org-slug',o.body.slug);localStorage.setItem('org-active-console-host',o.body.console_host);
localStorage.removeItem('org-pending-voucher');
location.href='/launching?host='+encodeURIComponent(o.body.console_host)+'&token='+encodeURIComponent(token)+'&next=%2Fjobs'};
if(localStorage.getItem('org-token')&&c.email)showOrder();`,
  });
}

function launchingPage(w: JourneyWorld): string {
  return marketplacePage({
    title: 'Launching',
    sovereign: w.sovereign,
    body: `<div class="card"><h1 id="h">Setting up your tenant</h1><p id="p">Provisioning your organization…</p><a id="go" hidden>Go to Console</a></div>`,
    script: `const q=new URLSearchParams(location.search);const host=q.get('host');const token=q.get('token');const next=q.get('next')||'/jobs';
const id=localStorage.getItem('org-active-org');const handover='https://'+host+'/auth/org-handover?token='+encodeURIComponent(token)+'&next='+encodeURIComponent(next);
const tick=async()=>{if(id){const p=await api('/api/provisioning/tenant/'+encodeURIComponent(id),undefined,localStorage.getItem('org-token'));
if(p.ok&&p.body.status==='failed'){$('#h').textContent='Provisioning failed';$('#p').textContent=(p.body.steps||[]).map(s=>s.message).filter(Boolean).join('; ');return}
if(p.ok)$('#p').textContent='Provisioning your organization… '+p.body.progress+'%'}
try{const r=await fetch('https://'+host+'/healthz',{cache:'no-store'});if(r.ok){$('#h').textContent='Your tenant is ready!';$('#go').href=handover;$('#go').hidden=false;location.href=handover;return}}catch(e){}
setTimeout(tick,500)};tick();`,
  });
}

const PAGES: Record<string, (w: JourneyWorld) => string> = {
  '/redeem': redeemPage,
  '/plans': plansPage,
  '/apps': appsPage,
  '/addons': addonsPage,
  '/bcp': bcpPage,
  '/review': reviewPage,
  '/checkout': checkoutPage,
  '/launching': launchingPage,
};

export const MARKETPLACE_PAGE_PATHS = Object.keys(PAGES);

export function marketplacePages(w: JourneyWorld, req: IncomingMessage, res: ServerResponse): void {
  const path = urlOf(req).pathname.replace(/\/+$/, '') || '/';
  const page = PAGES[path];
  if (!page) return sendHtml(res, 404, '<h1>Not found</h1>');
  sendHtml(res, 200, page(w));
}
