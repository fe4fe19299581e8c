import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { forbiddenRules, scanText } from '../src/suites/dod/forbidden.js';
import { DEFAULT_HTTPS_HOSTS, loadHttpsHosts, validateHttpsHosts } from '../src/suites/dod/https-hosts.js';
import { statusProblem } from '../src/suites/dod/l5-https.js';
import { isSetTime, parseRecord } from '../src/suites/dod/record.js';
import { managerProblem } from '../src/suites/dod/zero-touch-policy.js';
import { managerFindings, restartFindings } from '../src/suites/dod/l6-zero-touch.js';
import { linkedBundles } from '../src/suites/dod/hygiene.js';
import { notReadyBecause } from '../src/suites/dod/l3-helmreleases.js';
import { planDod } from '../src/suites/dod/plan.js';
import { loadKit } from '../src/kit/load.js';
import { SetupError } from '../src/target/errors.js';
import type { KubeObject } from '../src/target/objects.js';
import type { TargetSpec } from '../src/target/types.js';

const SOV = 'sim.sovereign-walk.test';
const rules = forbiddenRules(SOV);

test('forbidden literals: mothership and partner hosts, eventforge, admin.<sov>, omani.trades, with offset and line', () => {
  const text = 'a\nconst u="https://console.openova.io/nova";\nmail: ops@eventforge.io; https://omantel.openova.io/x admin.sim.sovereign-walk.test t1.omani.trades';
  const f = scanText(text, 'bundle.js', rules);
  assert.deepEqual(f.map((x) => [x.rule, x.match]), [
    ['mothership-host', 'console.openova.io'],
    ['eventforge', 'eventforge.io'],
    ['partner-host', 'omantel.openova.io'],
    ['admin-host', 'admin.sim.sovereign-walk.test'],
    ['pool-tld-typo', 'omani.trades'],
  ]);
  assert.equal(f[0].offset, text.indexOf('console.openova.io'));
  assert.equal(f[0].line, 2);
  assert.equal(f[0].column, text.split('\n')[1].indexOf('console') + 1);
  assert.equal(f[0].location, 'bundle.js');
});

test('forbidden literals: the sim FQDN, label keys and look-alike hosts do not trip', () => {
  const clean = [
    `https://console.${SOV}/ api.${SOV} marketplace.${SOV}`,
    '{"catalyst.openova.io/slot":"16","bp.openova.io/cutover-order":"8"}',
    'notopenova.io myeventforge.io omani.trade omani.tradesman',
    `superadmin.${SOV}`,
  ].join('\n');
  assert.deepEqual(scanText(clean, 'x', rules), []);
  // The same qualified name used as a host is a host.
  assert.equal(scanText('https://catalyst.openova.io/slot', 'x', rules)[0]?.match, 'catalyst.openova.io');
});

test('HTTPS expectations: an auth wall only where declared, 404 only where listed, 5xx never', () => {
  const gitea = DEFAULT_HTTPS_HOSTS.find((h) => h.host === 'gitea')!;
  const pdns = DEFAULT_HTTPS_HOSTS.find((h) => h.host === 'pdns')!;
  assert.equal(statusProblem(gitea, 200), undefined);
  assert.match(statusProblem(gitea, 401) ?? '', /auth wall 401 where none is expected/);
  assert.match(statusProblem(gitea, 404) ?? '', /404 Not Found \(not declared/);
  assert.match(statusProblem(gitea, 502) ?? '', /server error 502/);
  assert.equal(statusProblem(pdns, 401), undefined);
  assert.match(statusProblem(pdns, 200) ?? '', /expected 401/);
});

test('HTTPS table override: validated, and 401 without authWall is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dod-hosts-'));
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify([{ host: 'gitea', path: '/', expect: [200, 404] }]));
  assert.deepEqual(loadHttpsHosts(good), [{ host: 'gitea', path: '/', expect: [200, 404] }]);
  rmSync(dir, { recursive: true, force: true });
  assert.throws(() => validateHttpsHosts([{ host: 'gitea', path: '/', expect: [401] }], 't.json'), (e: Error) => e instanceof SetupError && /not declared authWall/.test(e.message));
  assert.throws(() => validateHttpsHosts([{ host: 'gitea', path: 'x', expect: [200] }], 't.json'), SetupError);
  assert.throws(() => validateHttpsHosts([{ host: 'a', path: '/', expect: [200] }, { host: 'a', path: '/', expect: [200] }], 't.json'), /twice/);
});

test('deployment record: fields, Go zero time, cutoverComplete anywhere it is kept', () => {
  const r = parseRecord({ request: { sovereignFQDN: SOV }, status: 'ready', startedAt: '2026-01-01T00:00:00Z', result: { handoverFiredAt: '0001-01-01T00:00:00Z', controlPlaneIP: '', cutoverComplete: 'true' } });
  assert.equal(r.sovereignFQDN, SOV);
  assert.equal(r.controlPlaneIP, undefined);
  assert.equal(r.cutoverComplete, true);
  assert.equal(isSetTime(r.handoverFiredAt), false);
  assert.equal(isSetTime('2026-01-01T00:25:00Z'), true);
  assert.equal(isSetTime(undefined), false);
});

test('field managers: kubectl and friends are interactive, automation is allowed, strangers are flagged', () => {
  for (const m of ['kubectl-edit', 'kubectl-patch', 'kubectl-set', 'kubectl-client-side-apply', 'kubectl-rollout', 'kubectl-label', 'kubectl-annotate', 'kubectl', 'k9s', 'helm']) {
    assert.equal(managerProblem(m), 'interactive tool', m);
  }
  for (const m of ['helm-controller', 'kustomize-controller', 'kube-controller-manager', 'k3s', 'deploy@fsn-cp-1', 'cilium-operator', 'cnpg', 'catalyst-api', 'manager']) {
    assert.equal(managerProblem(m), undefined, m);
  }
  assert.equal(managerProblem('python-requests'), 'not in the automation allow-list');
});

function workload(ns: string, name: string, managers: { manager: string; time: string }[], restartedAt?: string): { label: string; namespace: string; obj: KubeObject } {
  return {
    label: `Deployment ${ns}/${name}`,
    namespace: ns,
    obj: {
      metadata: { name, namespace: ns, managedFields: managers.map((m) => ({ ...m, operation: 'Update' })) },
      spec: { template: { metadata: { annotations: restartedAt ? { 'kubectl.kubernetes.io/restartedAt': restartedAt } : {} } } },
    } as unknown as KubeObject,
  };
}

test('zero-touch: bootstrap-window tolerance only for installs in flux-system/kube-system, restarts judged against the window', () => {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const window = { endMs: start + 1800_000, basis: 'test' };
  const inWindow = '2026-01-01T00:10:00Z';
  const late = '2026-01-01T02:00:00Z';
  const items = [
    workload('flux-system', 'source-controller', [{ manager: 'kubectl-client-side-apply', time: inWindow }]),
    workload('catalyst-system', 'catalyst-api', [{ manager: 'kubectl-client-side-apply', time: inWindow }]),
    workload('kube-system', 'coredns', [{ manager: 'kubectl-patch', time: late }], inWindow),
    workload('cnpg-system', 'cnpg', [{ manager: 'helm-controller', time: late }], late),
    workload('kube-system', 'cilium-operator', [{ manager: 'helm-controller', time: late }], late),
  ];
  assert.deepEqual(managerFindings(items, window).map((f) => `${f.resource} ${f.manager}`), [
    'Deployment catalyst-system/catalyst-api kubectl-client-side-apply',
    'Deployment kube-system/coredns kubectl-patch',
  ]);
  assert.deepEqual(restartFindings(items, window).map((f) => `${f.resource} ${f.time}`), [`Deployment cnpg-system/cnpg ${late}`]);
});

test('L3: stale Ready, suspension and Unknown are each named', () => {
  const base = { ref: 'flux-system/bp-x', ready: 'True', suspended: false, generation: 2, observedGeneration: 2 };
  assert.equal(notReadyBecause(base), undefined);
  assert.match(notReadyBecause({ ...base, observedGeneration: 1 }) ?? '', /stale: observedGeneration 1 < generation 2/);
  assert.match(notReadyBecause({ ...base, suspended: true }) ?? '', /suspended/);
  assert.match(notReadyBecause({ ...base, ready: 'Unknown', reason: 'Progressing' }) ?? '', /Ready=Unknown \(Progressing/);
});

test('bundles: script src and modulepreload links, resolved against the page, de-duplicated', () => {
  const html = `<html><head><script type="module" src="/assets/index-a.js"></script><link rel="modulepreload" href="vendor-b.js">
<link rel="stylesheet" href="/assets/x.css"><script>inline()</script><script src="https://cdn.example.test/x.js"></script><script src="/assets/index-a.js"></script></head></html>`;
  assert.deepEqual(linkedBundles(html, 'https://console.x.test/app/'), [
    'https://console.x.test/assets/index-a.js',
    'https://console.x.test/app/vendor-b.js',
    'https://cdn.example.test/x.js',
  ]);
});

const target: Pick<TargetSpec, 'sovereign' | 'regions' | 'tls'> = {
  sovereign: SOV,
  regions: [
    { name: 'hz-hel-rtz-prod', role: 'secondary', kubeconfigPath: '/dev/null' },
    { name: 'hz-fsn-rtz-prod', role: 'primary', kubeconfigPath: '/dev/null' },
  ],
  tls: { issuerMustMatch: 'sim CA', issuerMustNotMatch: 'STAGING' },
};

test('plan: one L3 gate per region per kit slot (from the kit), primary first, layer ids numbered per layer', () => {
  const kit48 = loadKit('fixtures/bootstrap-kit-48.json');
  const kit35 = loadKit('fixtures/bootstrap-kit-2026-04-30.json');
  const plan48 = planDod({ target, options: { minNodes: 4 }, kit: kit48, hosts: DEFAULT_HTTPS_HOSTS });
  const plan35 = planDod({ target, options: { minNodes: 4 }, kit: kit35, hosts: DEFAULT_HTTPS_HOSTS });
  const perHr = (p: typeof plan48) => p.filter((c) => c.layer === 'L3' && !/count$/.test(c.id));
  assert.equal(perHr(plan48).length, 96);
  assert.equal(perHr(plan35).length, 70);
  assert.equal(plan48.length - plan35.length, 26);
  assert.equal(perHr(plan48)[0].id, 'dod/L3.hz-fsn-rtz-prod.01-bp-cilium');
  assert.equal(perHr(plan48)[0].layerId, 'L3.1');
  assert.equal(plan48.find((c) => c.id === 'dod/L3.hz-hel-rtz-prod.06a-bp-self-sovereign-cutover')?.slot, '06a');
  assert.ok(plan48.every((c) => c.title.startsWith(`${c.layerId} `)));
  assert.equal(new Set(plan48.map((c) => c.id)).size, plan48.length);
  const onlyOne = planDod({ target, options: { minNodes: 4, regions: ['hz-hel-rtz-prod'] }, kit: kit35, hosts: DEFAULT_HTTPS_HOSTS });
  assert.ok(onlyOne.filter((c) => c.region).every((c) => c.region === 'hz-hel-rtz-prod'));
  assert.throws(() => planDod({ target: { ...target, tls: { issuerMustMatch: '(', issuerMustNotMatch: '' } }, options: { minNodes: 4 }, kit: kit35, hosts: DEFAULT_HTTPS_HOSTS }), SetupError);
});
