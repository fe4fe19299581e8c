/** Page shells for the sim's console and marketplace: server-rendered HTML, inline CSS and JS. */

export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const BASE_CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.5 system-ui,sans-serif;color:#1c2330;background:#f4f6fa}
a{color:#2456d6}h1{font-size:22px;margin:0 0 16px}h2{font-size:16px;margin:20px 0 8px}
button{font:inherit;padding:7px 14px;border-radius:6px;border:1px solid #2456d6;background:#2456d6;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#2456d6}button:disabled{opacity:.5;cursor:default}
input,select{font:inherit;padding:6px 8px;border:1px solid #c5ccd8;border-radius:6px}
label{display:block;margin:10px 0 4px;font-weight:600}
[role=alert]{color:#b42318;margin:8px 0}[hidden]{display:none!important}
.card{background:#fff;border:1px solid #dde3ec;border-radius:10px;padding:18px;margin:0 0 14px}
.pin{display:flex;gap:6px}.pin input{width:40px;text-align:center;font-size:20px}
.pill{padding:2px 8px;border-radius:10px;font-size:12px;background:#e6ebf3}.pill.active{background:#d7f5df;color:#11672f}
.pill.inactive,.pill.exhausted{background:#fde8d7;color:#8a3b06}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:8px;border-bottom:1px solid #e7ebf1}
`;

const CONSOLE_CSS = `
.shell{display:grid;grid-template-columns:210px 1fr;min-height:100vh}
nav.side{background:#141b2d;color:#c9d3e6;padding:18px 12px}nav.side a{display:block;color:#c9d3e6;text-decoration:none;padding:6px 10px;border-radius:6px}
nav.side a[aria-current=page]{background:#25304a;color:#fff}nav.side .brand{font-weight:700;color:#fff;margin:0 10px 18px}
main{padding:28px 32px}.toolbar{display:flex;gap:10px;margin:0 0 14px}
.auth{max-width:380px;margin:12vh auto}
dialog,[role=dialog]{position:fixed;inset:10vh auto auto 50%;transform:translateX(-50%);width:440px;background:#fff;border:1px solid #c5ccd8;border-radius:12px;padding:22px;box-shadow:0 12px 40px #0003}
`;

const MARKET_CSS = `
header.top{display:flex;justify-content:space-between;align-items:center;padding:14px 28px;background:#fff;border-bottom:1px solid #dde3ec}
header.top .brand{font-weight:700}ol.steps{display:flex;gap:14px;list-style:none;margin:0;padding:0;font-size:12px;color:#7a8699}
ol.steps li[aria-current=step]{color:#2456d6;font-weight:700}main{max-width:760px;margin:28px auto;padding:0 16px}
.grid{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}.row{display:flex;gap:10px;align-items:center}
.ok{color:#11672f}.bad{color:#b42318}dl{display:grid;grid-template-columns:1fr auto;gap:4px 16px}dd{margin:0;text-align:right}#org,#email{width:100%}
`;

/** Tiny client helpers every page gets: JSON calls and the cart in localStorage. */
const CLIENT_JS = `
const api=async(path,body,token)=>{const h={'content-type':'application/json'};if(token)h.authorization='Bearer '+token;
const r=await fetch(path,{method:body===undefined?'GET':'POST',headers:h,body:body===undefined?undefined:JSON.stringify(body)});
let b={};try{b=await r.json()}catch(e){}return{status:r.status,ok:r.ok,body:b}};
const cart=()=>JSON.parse(localStorage.getItem('org-cart')||'{"apps":[],"addons":[]}');
const saveCart=c=>localStorage.setItem('org-cart',JSON.stringify(c));
const $=s=>document.querySelector(s);
const pinBoxes=(group)=>{const boxes=[...group.querySelectorAll('input')];boxes.forEach((b,i)=>{
b.addEventListener('input',()=>{b.value=b.value.replace(/\\D/g,'').slice(-1);if(b.value&&boxes[i+1])boxes[i+1].focus()});
b.addEventListener('keydown',e=>{if(e.key==='Backspace'&&!b.value&&boxes[i-1])boxes[i-1].focus()});
b.addEventListener('paste',e=>{const d=(e.clipboardData.getData('text')||'').replace(/\\D/g,'').slice(0,6);if(!d)return;e.preventDefault();
boxes.forEach((x,j)=>x.value=d[j]||'');boxes[Math.min(d.length,5)].focus()})});
return{value:()=>boxes.map(b=>b.value).join(''),clear:()=>{boxes.forEach(b=>b.value='');boxes[0].focus()}}};
`;

export function pinInputs(testId: string, label: string): string {
  const boxes = Array.from({ length: 6 }, (_, i) => `<input inputmode="numeric" autocomplete="${i === 0 ? 'one-time-code' : 'off'}" maxlength="1" aria-label="Digit ${i + 1}">`).join('');
  return `<div class="pin" role="group" aria-label="${esc(label)}" data-testid="${esc(testId)}">${boxes}</div>`;
}

function doc(title: string, css: string, body: string, script: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${BASE_CSS}${css}</style></head><body>${body}<script>${CLIENT_JS}${script}</script></body></html>`;
}

const NAV = [
  ['/dashboard', 'Dashboard'],
  ['/organizations', 'Organizations'],
  ['/bss', 'BSS'],
] as const;

/** A signed-in console page with the side navigation. */
export function consolePage(opts: { title: string; sovereign: string; active: string; body: string; script?: string }): string {
  const nav = NAV.map(([href, text]) => `<a href="${href}"${opts.active === href ? ' aria-current="page"' : ''}>${text}</a>`).join('');
  const body = `<div class="shell"><nav class="side" aria-label="Console"><div class="brand">OpenOva · ${esc(opts.sovereign)}</div>${nav}</nav><main>${opts.body}</main></div>`;
  return doc(`${opts.title} · Sovereign Console`, CONSOLE_CSS, body, opts.script ?? '');
}

/** A console page before sign-in (login, verify). */
export function consoleAuthPage(opts: { title: string; body: string; script: string }): string {
  return doc(`${opts.title} · Sovereign Console`, CONSOLE_CSS, `<main class="auth"><div class="card">${opts.body}</div></main>`, opts.script);
}

const FUNNEL = ['plans', 'apps', 'addons', 'bcp', 'review', 'checkout'] as const;

/** A marketplace page; `step` highlights the funnel position. */
export function marketplacePage(opts: { title: string; sovereign: string; step?: (typeof FUNNEL)[number]; body: string; script: string }): string {
  const steps = FUNNEL.map((s) => `<li${s === opts.step ? ' aria-current="step"' : ''}>${s}</li>`).join('');
  const header = `<header class="top"><span class="brand">${esc(opts.sovereign)} marketplace</span><ol class="steps">${steps}</ol></header>`;
  return doc(`${opts.title} · Marketplace`, MARKET_CSS, `${header}<main>${opts.body}</main>`, opts.script);
}
