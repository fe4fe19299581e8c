// Source: coreruleset/coreruleset rules/REQUEST-942-APPLICATION-ATTACK-SQLI.conf, rule 942100 at the
// default paranoia level 1 (libinjection over REQUEST_COOKIES, REQUEST_COOKIES_NAMES, the User-Agent
// and Referer headers, ARGS_NAMES and ARGS; CRITICAL = 5 points = the default inbound threshold), and
// corazawaf/coraza-spoa's README HAProxy wiring (deny 403 on the SPOA's "deny" action, 504 when the
// agent errors). bp-coraza runs coraza-spoa, an HAProxy SPOE agent on TCP 9000; the model is that agent
// and its HAProxy as one HTTP hop: the front door hands it each apex request with `ctx.upstream` set
// to the backend.
import { header, html, queryOf } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

/**
 * Stands in for libinjection's SQLi fingerprints: the classic shapes it flags (a quote closing a
 * string followed by a boolean tautology, a comment or a stacked query; UNION SELECT).
 */
const SQLI = [
  /['"`]\s*\)?\s*(or|and|xor|\|\||&&)\s+['"`]?\w+['"`]?\s*(=|<>|!=|<|>|\blike\b)/i,
  /['"`]\s*\)?\s*(--|#|\/\*)/,
  /['"`]\s*;\s*(select|insert|update|delete|drop|alter|create|exec)\b/i,
  /\bunion\b(\s+all)?\s+select\b/i,
];

const looksLikeSqli = (value: string): boolean => SQLI.some((re) => re.test(value));

function cookies(req: ProductRequest): [string, string][] {
  return (header(req, 'cookie') ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    });
}

/** ARGS: the query string and an urlencoded body (CRS enables no other body processor for these). */
function args(req: ProductRequest): [string, string][] {
  const pairs = [...queryOf(req).entries()];
  if ((header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) pairs.push(...new URLSearchParams(req.body.toString('utf8')).entries());
  return pairs;
}

/** The variables rule 942100 inspects; any other request header is not looked at. */
function inspected(req: ProductRequest): string[] {
  const values: string[] = [];
  for (const [name, value] of [...cookies(req), ...args(req)]) values.push(name, value);
  for (const name of ['user-agent', 'referer']) {
    const value = header(req, name);
    if (value !== undefined) values.push(value);
  }
  return values;
}

const haproxyPage = (status: number, title: string, line: string, headers: Record<string, string> = {}): ProductAnswer =>
  html(status, `<html><body><h1>${status} ${title}</h1>\n${line}\n</body></html>\n`, { 'cache-control': 'no-cache', ...headers });

async function handle(req: ProductRequest, ctx: ProductContext): Promise<ProductAnswer> {
  if (!ctx.state.ready) return haproxyPage(504, 'Gateway Time-out', 'The server didn\'t respond in time.');
  if (inspected(req).some(looksLikeSqli)) return haproxyPage(403, 'Forbidden', 'Request forbidden by administrative rules.', { 'waf-block': 'request' });
  if (!ctx.upstream) return haproxyPage(503, 'Service Unavailable', 'No server is available to handle this request.');
  return ctx.upstream(req);
}

export const coraza: ProductModel = {
  product: 'coraza',
  component: 'coraza',
  ports: [9000],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle,
};
