/**
 * Domain hygiene: the served console and marketplace (HTML plus every same-origin script and
 * modulepreload bundle it links) and the ConfigMaps of the catalyst namespaces carry no
 * forbidden literal (mothership, partner, typo hosts).
 */
import { Parser } from 'htmlparser2';
import type { RegionSpec } from '../../target/types.js';
import { HttpClient } from '../../target/http.js';
import { gateId, inRegion, listSome, type DodCheckSpec } from './check.js';
import { forbiddenRules, scanText, type LiteralFinding } from './forbidden.js';
import type { HttpsHostExpectation } from './https-hosts.js';

export const HYGIENE_SURFACES = ['console', 'marketplace'];
export const CATALYST_NAMESPACES = ['catalyst', 'catalyst-system'];
/** Bound on bundles fetched per page; a real Vite build links a handful. */
const MAX_BUNDLES = 50;

/** Script and modulepreload URLs of a page, resolved against it, in document order. */
export function linkedBundles(html: string, pageUrl: string): string[] {
  const urls: string[] = [];
  const parser = new Parser({
    onopentag(name, attrs) {
      const ref = name === 'script' ? attrs.src : name === 'link' && /(^|\s)modulepreload(\s|$)/i.test(attrs.rel ?? '') ? attrs.href : undefined;
      if (!ref) return;
      try {
        urls.push(new URL(ref, pageUrl).toString());
      } catch {
        // An unparseable reference is not a bundle the browser would load either.
      }
    },
  });
  parser.write(html);
  parser.end();
  return [...new Set(urls)];
}

function describe(f: LiteralFinding): string {
  return `${f.match} in ${f.location} at offset ${f.offset} (line ${f.line}:${f.column}, ${f.rule})`;
}

export function hygieneChecks(regions: RegionSpec[], hosts: HttpsHostExpectation[]): DodCheckSpec[] {
  const bundles = HYGIENE_SURFACES.map(
    (surface): DodCheckSpec => ({
      key: `H.${surface}`,
      layer: 'H',
      text: `${surface} page and JS bundles free of forbidden domain literals`,
      judge: async (s, g) => {
        const rules = forbiddenRules(s.sovereign);
        const pageUrl = s.h.url(surface, '/');
        const page = await s.fetch(pageUrl);
        if (page.response?.status !== 200) {
          const why = `${pageUrl} answered ${page.response ? `HTTP ${page.response.status}` : `nothing (${page.error ?? 'unknown error'})`}: nothing to scan`;
          const l5 = hosts.find((h) => h.host === surface && h.path === '/');
          return l5 ? g.block(gateId(`L5.${surface}`), why) : g.fail(why);
        }
        const html = HttpClient.fullBody(page);
        const findings = scanText(html, pageUrl, rules);
        const origin = new URL(pageUrl).origin;
        const linked = linkedBundles(html, pageUrl);
        const crossOrigin = linked.filter((u) => new URL(u).origin !== origin);
        const sameOrigin = linked.filter((u) => new URL(u).origin === origin).slice(0, MAX_BUNDLES);
        const fetchProblems: string[] = [];
        const scanned: { url: string; status?: number; bytes: number; findings: number }[] = [{ url: pageUrl, status: 200, bytes: html.length, findings: findings.length }];
        for (const url of sameOrigin) {
          const x = await s.fetch(url);
          if (x.response?.status !== 200) {
            fetchProblems.push(`${url} answered ${x.response ? `HTTP ${x.response.status}` : (x.error ?? 'nothing')}`);
            scanned.push({ url, status: x.response?.status, bytes: 0, findings: 0 });
            continue;
          }
          const body = HttpClient.fullBody(x);
          const found = scanText(body, url, rules);
          findings.push(...found);
          scanned.push({ url, status: 200, bytes: body.length, findings: found.length });
        }
        g.addStep({ name: `scan ${surface}`, status: findings.length || fetchProblems.length ? 'failed' : 'passed', startedAt: page.startedAt, finishedAt: new Date().toISOString(), detail: `${scanned.length} documents, ${crossOrigin.length} cross-origin links not fetched` });
        g.attach(s.h.evidence.json(`dod-hygiene-${surface}`, { scanned, crossOrigin, findings }, `forbidden-literal scan of ${surface}`));
        g.metric('findings', findings.length);
        g.metric('bundles', sameOrigin.length);
        if (findings.length) return g.fail(`${findings.length} forbidden literal(s): ${listSome(findings.map(describe), 3)}`);
        if (fetchProblems.length) return g.fail(`linked bundle(s) not served: ${listSome(fetchProblems, 3)}`);
        if (!sameOrigin.length) return g.fail(`${pageUrl} links no same-origin script bundle: nothing but the HTML was scanned`);
        return g.pass(`${scanned.length} documents (${sameOrigin.length} bundles) scanned, no forbidden literal`);
      },
    }),
  );
  const configMaps = regions.map(
    (r): DodCheckSpec => ({
      key: `H.${r.name}.configmaps`,
      layer: 'H',
      region: r.name,
      text: `${r.name} ConfigMaps in ${CATALYST_NAMESPACES.join(', ')} free of forbidden domain literals`,
      judge: (s, g) =>
        inRegion(s, g, r.name, async () => {
          const rules = forbiddenRules(s.sovereign);
          const findings: LiteralFinding[] = [];
          let count = 0;
          for (const ns of CATALYST_NAMESPACES) {
            for (const cm of await s.list(r.name, 'configmaps', { namespace: ns })) {
              count++;
              for (const [key, value] of Object.entries((cm.data as Record<string, string> | undefined) ?? {})) {
                findings.push(...scanText(value, `configmap ${ns}/${cm.metadata.name} key ${key}`, rules));
              }
            }
          }
          g.attach(s.h.evidence.json(`dod-hygiene-configmaps-${r.name}`, { configMaps: count, findings }, `forbidden-literal scan of ConfigMaps in ${r.name}`));
          g.metric('findings', findings.length);
          return findings.length
            ? g.fail(`${findings.length} forbidden literal(s) in ${r.name}: ${listSome(findings.map(describe), 3)}`)
            : g.pass(`${count} ConfigMaps scanned, no forbidden literal`);
        }),
    }),
  );
  return [...bundles, ...configMaps];
}
