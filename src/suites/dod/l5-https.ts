/**
 * L5: the public hosts answer with the status their table row expects (not "any 4xx"), and
 * every host serves a certificate from the expected issuer that is trusted and not about to expire.
 */
import type { TargetSpec } from '../../target/types.js';
import type { CertificateInfo } from '../../target/http.js';
import { describeError } from '../../target/objects.js';
import { SetupError } from '../../target/errors.js';
import { exchangeEvidence, listSome, type DodCheckSpec } from './check.js';
import type { HttpsHostExpectation } from './https-hosts.js';

export const MIN_CERT_DAYS = 7;

/** Why a status is wrong for this row, or undefined when it is expected. */
export function statusProblem(row: HttpsHostExpectation, status: number): string | undefined {
  if (row.expect.includes(status)) return undefined;
  const want = `expected ${row.expect.join('/')}`;
  if (status >= 500) return `server error ${status}, ${want}`;
  if (status === 401 || status === 403) return `auth wall ${status} where none is expected, ${want}`;
  if (status === 404) return `404 Not Found (not declared for this host), ${want}`;
  if (status === 421) return `421 Misdirected Request: the gateway has no route for this host, ${want}`;
  return `${status}, ${want}`;
}

export function httpsChecks(sovereign: string, hosts: HttpsHostExpectation[], tls: TargetSpec['tls']): DodCheckSpec[] {
  const perHost = hosts.map(
    (row): DodCheckSpec => ({
      key: `L5.${row.host}`,
      layer: 'L5',
      text: `https://${row.host}.${sovereign}${row.path} → ${row.expect.join('/')}`,
      judge: async (s, g) => {
        const url = s.h.url(row.host, row.path);
        const x = await s.fetch(url);
        g.attach(s.h.evidence.json(`dod-https-${row.host}`, exchangeEvidence(x), `GET ${url}`));
        g.metric('durationMs', x.durationMs);
        if (!x.response) return g.fail(`GET ${url}: no answer (${x.error ?? 'unknown error'})`);
        const problem = statusProblem(row, x.response.status);
        return problem ? g.fail(`GET ${url}: ${problem}`) : g.pass(`GET ${url} → ${x.response.status}`);
      },
    }),
  );
  const mustMatch = targetRegExp('tls.issuerMustMatch', tls.issuerMustMatch);
  const mustNotMatch = tls.issuerMustNotMatch ? targetRegExp('tls.issuerMustNotMatch', tls.issuerMustNotMatch) : undefined;
  const certificates: DodCheckSpec = {
    key: 'L5.tls',
    layer: 'L5',
    text: `serving certificates issued by /${tls.issuerMustMatch}/${mustNotMatch ? `, not /${tls.issuerMustNotMatch}/` : ''}, trusted, ≥ ${MIN_CERT_DAYS} days left`,
    judge: async (s, g) => {
      // One line per distinct problem, with the hosts that have it (a shared certificate fails every host alike).
      const problems = new Map<string, string[]>();
      const note = (problem: string, host: string) => problems.set(problem, [...(problems.get(problem) ?? []), host]);
      const certs: Record<string, CertificateInfo | { error: string }> = {};
      for (const row of hosts) {
        const url = s.h.url(row.host, '/');
        const host = new URL(url).hostname;
        let c: CertificateInfo;
        try {
          c = await s.h.http.peerCertificate(url);
        } catch (e) {
          certs[host] = { error: describeError(e) };
          note(`TLS handshake failed (${describeError(e)})`, host);
          continue;
        }
        certs[host] = c;
        if (!mustMatch.test(c.issuer)) note(`issuer "${c.issuer}" does not match /${tls.issuerMustMatch}/`, host);
        const bad = mustNotMatch && c.issuerChain.find((i) => mustNotMatch.test(i));
        if (bad) note(`issuer "${bad}" matches /${tls.issuerMustNotMatch}/`, host);
        if (!c.authorized) note(`not trusted (${c.authorizationError ?? 'unknown reason'})`, host);
        if (c.daysLeft < MIN_CERT_DAYS) note(`expires in ${c.daysLeft} days (${c.validTo})`, host);
      }
      g.attach(s.h.evidence.json('dod-certificates', certs, 'serving certificate per host'));
      const days = Object.values(certs).flatMap((c) => ('daysLeft' in c ? [c.daysLeft] : []));
      g.metric('minDaysLeft', days.length ? Math.min(...days) : null);
      if (problems.size) return g.fail([...problems].map(([p, on]) => `${p} on ${listSome(on, 3)}`).join('; '));
      const issuers = [...new Set(Object.values(certs).map((c) => ('issuer' in c ? c.issuer : '')))];
      return g.pass(`${hosts.length} hosts, issuer ${issuers.join(' | ')}, ≥ ${Math.min(...days)} days left`);
    },
  };
  return [...perHost, certificates];
}

function targetRegExp(field: string, source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (e) {
    throw new SetupError(`target ${field} ${JSON.stringify(source)} is not a regular expression: ${(e as Error).message}`);
  }
}
