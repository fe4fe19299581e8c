/**
 * A HAR holds everything the browser sent and got, including session cookies, bearer tokens
 * and the PINs typed into sign-in forms. Before one becomes evidence, every such value found
 * in it is registered as a secret and every string in it is redacted. Numbers are left alone:
 * a 6-digit PIN masked inside a timing value would leave a HAR no viewer can open, which is
 * why the result goes to the evidence writer as bytes rather than as text it would mask again.
 */
import { redact, registerSecret } from '../../evidence/redact.js';

interface NameValue {
  name: string;
  value: string;
}

interface HarEntry {
  request: { url: string; headers?: NameValue[]; cookies?: NameValue[]; queryString?: NameValue[]; postData?: { text?: string } };
  response: { headers?: NameValue[]; cookies?: NameValue[]; content?: { text?: string; encoding?: string } };
}

/** JSON body fields that carry credentials on sign-in endpoints. */
const SECRET_FIELDS = ['pin', 'code', 'token', 'refresh_token', 'access_token', 'password'];
/** Only on these paths is `code` a credential (elsewhere it is a voucher code). */
const AUTH_PATH = /\/auth\//;

function registerHeader(h: NameValue): void {
  const name = h.name.toLowerCase();
  if (name === 'authorization') registerSecret(h.value.replace(/^\S+\s+/, ''));
  if (name === 'cookie') for (const part of h.value.split(';')) registerSecret(part.slice(part.indexOf('=') + 1).trim());
  if (name === 'set-cookie') for (const line of h.value.split('\n')) registerSecret(line.split(';')[0].slice(line.indexOf('=') + 1).trim());
}

function registerJsonFields(text: string | undefined): void {
  if (!text) return;
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) return;
    for (const f of SECRET_FIELDS) {
      const x = (v as Record<string, unknown>)[f];
      if (typeof x === 'string') registerSecret(x);
    }
  } catch {
    // Not JSON: nothing structured to find.
  }
}

function redactStrings(v: unknown): unknown {
  if (typeof v === 'string') return redact(v);
  if (Array.isArray(v)) return v.map(redactStrings);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactStrings(x)]));
  return v;
}

/** Registers every credential in the HAR and returns it redacted, as the bytes to store. */
export function harEvidence(harText: string): Buffer {
  const har = JSON.parse(harText) as { log?: { entries?: HarEntry[] } };
  for (const e of har.log?.entries ?? []) {
    for (const h of [...(e.request.headers ?? []), ...(e.response.headers ?? [])]) registerHeader(h);
    for (const c of [...(e.request.cookies ?? []), ...(e.response.cookies ?? [])]) registerSecret(c.value);
    for (const q of e.request.queryString ?? []) if (q.name === 'token') registerSecret(decodeURIComponent(q.value));
    if (AUTH_PATH.test(new URL(e.request.url).pathname)) {
      registerJsonFields(e.request.postData?.text);
      if (e.response.content?.encoding !== 'base64') registerJsonFields(e.response.content?.text);
    }
  }
  return Buffer.from(JSON.stringify(redactStrings(har)));
}
