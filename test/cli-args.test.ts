import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWalkArgs, type WalkRequest } from '../src/cli/args.js';
import { resolveSovereign } from '../src/cli/sovereign.js';
import { parseResolve } from '../src/target/live.js';
import { SetupError } from '../src/target/errors.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/temp.js';

const parse = (...a: string[]) => parseWalkArgs(a, () => {}) as WalkRequest;
const refuses = (re: RegExp, ...a: string[]) => assert.throws(() => parseWalkArgs(a, () => {}), (e: unknown) => e instanceof SetupError && re.test(e.message) && !e.message.includes('\n'));

test('--sov: short names get the TLD, FQDNs pass through, --tld switches the parent', () => {
  assert.equal(resolveSovereign('t38'), 't38.omani.works');
  assert.equal(resolveSovereign('t38', 'omantel.biz'), 't38.omantel.biz');
  assert.equal(resolveSovereign('hw91.omantel.biz'), 'hw91.omantel.biz');
  assert.equal(parse('--sov', 't38').sovereign, 't38.omani.works');
  assert.equal(parse('--sov', 't38').targetKind, 'live');
  assert.equal(parse().targetKind, 'sim');
});

test('the domain canon\'s forbidden domains are refused', () => {
  for (const d of ['openova.io', 'console.openova.io', 'omantel.openova.io', 'eventforge.io', 'x.eventforge.io']) {
    refuses(/forbidden by the domain canon/, '--sov', d);
  }
  refuses(/not a Sovereign name/, '--sov', 'bad_name!');
});

test('usage errors are one-line SetupErrors', () => {
  refuses(/unknown option '--nope'/, '--nope');
  refuses(/unknown suite bogus/, '--suite', 'readiness,bogus');
  refuses(/--sim-fault is only for the simulated Sovereign/, '--sov', 't38', '--sim-fault', 'hr-stuck:bp-cnpg');
  refuses(/must be <region>=<path>/, '--target', 'kind', '--kubeconfig', 'nopath');
  refuses(/not a duration/, '--hold', 'forever');
  refuses(/--target live needs --sov/, '--target', 'live');
  refuses(/argument 'x' is invalid|Allowed choices/, '--target', 'x');
  refuses(/^unknown option '--shard' \(see --help\)$/, '--shard', '1/3');
});

test('options parse with their defaults', () => {
  const r = parse('--suite', 'readiness,cutover', '--hold', '30s', '--rto', '45s', '--sim-fault', 'hr-stuck:bp-cnpg', '--sim-fault', 'surface-down:bp-gitea');
  assert.deepEqual(r.options.suites, ['readiness', 'cutover']);
  assert.equal(r.holdMs, 30_000);
  assert.equal(r.options.rtoMs, 45_000);
  assert.equal(r.options.rpo, 0);
  assert.equal(r.options.writeRate, 10);
  assert.equal(r.options.cutoverMode, 'enforce');
  assert.deepEqual(r.simFaults, ['hr-stuck:bp-cnpg', 'surface-down:bp-gitea']);
  assert.equal(r.slotDeadlineMs, undefined);
  assert.equal(r.options.dodHostsPath, undefined);
  assert.equal(r.mailTimeoutMs, undefined, 'the launcher picks the per-target default');
  assert.equal(parse('--mail-timeout', '45s').mailTimeoutMs, 45_000);
  refuses(/--mail-timeout "soon" is not a duration/, '--mail-timeout', 'soon');
});

test('--dod-hosts is read and validated while parsing, before any target is touched', () => {
  const dir = tempDir('dod-hosts-args-');
  const good = join(dir, 'hosts.json');
  writeFileSync(good, JSON.stringify([{ host: 'console', path: '/', expect: [200] }]));
  assert.equal(parse('--dod-hosts', good).options.dodHostsPath, good);
  refuses(/^HTTPS host table .*missing\.json is unreadable/, '--dod-hosts', join(dir, 'missing.json'));
  writeFileSync(join(dir, 'dup.json'), JSON.stringify([{ host: 'api', path: '/', expect: [200] }, { host: 'api', path: '/x', expect: [200] }]));
  refuses(/lists api twice/, '--dod-hosts', join(dir, 'dup.json'));
});

test('--kubeconfig region=path is repeatable, one per region', () => {
  const r = parse('--sov', 't38', '--kubeconfig', 'hz-fsn-rtz-prod=/a', '--kubeconfig', 'hz-hel-rtz-prod=/b');
  assert.deepEqual(r.kubeconfigs, [{ region: 'hz-fsn-rtz-prod', path: '/a' }, { region: 'hz-hel-rtz-prod', path: '/b' }]);
  refuses(/names region a twice/, '--sov', 't38', '--kubeconfig', 'a=/x', '--kubeconfig', 'a=/y');
});

test('--resolve follows curl with the target port', () => {
  assert.deepEqual(parseResolve('*.t38.omani.works:443:127.0.0.1:8443'), { host: '*.t38.omani.works', port: 443, address: '127.0.0.1', targetPort: 8443 });
  assert.throws(() => parseResolve('nope'), SetupError);
});

test('--help prints and reports help, with the fault kinds it is given last', () => {
  let printed = '';
  assert.deepEqual(parseWalkArgs(['--help'], (s) => (printed += s), '  hr-stuck:<slot>  the HelmRelease never becomes Ready'), { help: true });
  assert.match(printed, /--sov <tNN\|fqdn>/);
  assert.match(printed, /--sim-fault/);
  assert.match(printed, /Fault kinds for --sim-fault <kind:arg> \(embedded simulated Sovereign only\):\n {2}hr-stuck:<slot> {2}the HelmRelease never becomes Ready\n+$/);
});

test('naming flags may not be empty; region names keep to the gate-id alphabet', () => {
  refuses(/^--sov is empty: name a Sovereign/, '--sov', '');
  refuses(/^--sov is empty/, '--sov', ' \t');
  refuses(/^--report-dir is empty$/, '--report-dir', '');
  refuses(/^--kit is empty$/, '--kit', '');
  refuses(/^--tld is empty$/, '--sov', 't38', '--tld', ' ');
  refuses(/the region must be a DNS label/, '--sov', 't38', '--kubeconfig', 'Region_1=/a');
});
