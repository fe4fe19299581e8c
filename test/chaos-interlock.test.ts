/** The chaos interlock: test Sovereigns only, --allow-chaos for destructive suites, sim and kind always allowed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertChaosAllowed, chaosLevel, isTestSovereign, type InterlockContext } from '../src/chaos/interlock.js';
import { SetupError } from '../src/target/errors.js';

function ctx(kind: 'sim' | 'kind' | 'live', sovereign: string, over: Partial<InterlockContext['options']> = {}): InterlockContext {
  return { target: { kind, sovereign }, options: { suites: ['cutover'], allowChaos: false, testSovereignPatterns: [], cutoverMode: 'enforce', ...over } };
}

const refused = (c: InterlockContext, re: RegExp) =>
  assert.throws(() => assertChaosAllowed(c), (e: unknown) => e instanceof SetupError && re.test(e.message) && !e.message.includes('\n'));

test('test Sovereign FQDNs of the domain canon', () => {
  for (const f of ['t38.omani.works', 'T7.omani.works', 't11.omantel.biz', 'hw91.omantel.biz', 'hw124.omani.works', 'otech103.omani.works', 'omantel-test-ab12cd.omani.works']) assert.ok(isTestSovereign(f), f);
  for (const f of ['prod.example.com', 'omantel.omani.works', 't38.omani.works.evil.com', 'xt38.omani.works', 'marketplace.omantel.biz', 'console.openova.io']) assert.ok(!isTestSovereign(f), f);
  assert.ok(isTestSovereign('stage-3.acme.test', ['stage-\\d+\\.acme\\.test']));
});

test('what counts as chaos', () => {
  assert.equal(chaosLevel('cutover', { cutoverMode: 'enforce' }), 'destructive');
  assert.equal(chaosLevel('cutover', { cutoverMode: 'observe' }), 'writes');
  assert.equal(chaosLevel('failover', { cutoverMode: 'enforce' }), 'destructive');
  assert.equal(chaosLevel('readiness', { cutoverMode: 'enforce' }), 'none');
});

test('a live Sovereign that is not a test Sovereign is refused for any chaos suite, even with --allow-chaos', () => {
  refused(ctx('live', 'prod.example.com'), /^refusing cutover \(enforce\) on prod\.example\.com: not a test Sovereign/);
  refused(ctx('live', 'prod.example.com', { cutoverMode: 'observe', allowChaos: true }), /refusing cutover \(observe\)/);
  refused(ctx('live', 'prod.example.com', { suites: ['readiness', 'failover'], allowChaos: true }), /refusing failover on prod\.example\.com/);
  assert.doesNotThrow(() => assertChaosAllowed(ctx('live', 'prod.example.com', { suites: ['readiness', 'dod', 'journeys'] })));
});

test('a test Sovereign needs --allow-chaos for destructive suites only', () => {
  refused(ctx('live', 't38.omani.works'), /^cutover \(enforce\) would disrupt t38\.omani\.works: pass --allow-chaos/);
  refused(ctx('live', 't38.omani.works', { suites: ['failover'] }), /^failover would disrupt/);
  assert.doesNotThrow(() => assertChaosAllowed(ctx('live', 't38.omani.works', { cutoverMode: 'observe' })));
  assert.doesNotThrow(() => assertChaosAllowed(ctx('live', 't38.omani.works', { allowChaos: true, suites: ['cutover', 'failover'] })));
  assert.doesNotThrow(() => assertChaosAllowed(ctx('live', 'stage-3.acme.test', { allowChaos: true, testSovereignPatterns: ['stage-\\d+\\.acme\\.test'] })));
  refused(ctx('live', 'stage-3.acme.test', { allowChaos: true, testSovereignPatterns: ['stage-(\\d+'] }), /is not a valid regular expression/);
});

test('the simulated Sovereign and kind are always allowed; the suite list can be narrowed per call', () => {
  assert.doesNotThrow(() => assertChaosAllowed(ctx('sim', 'sim.sovereign-walk.test', { suites: ['cutover', 'failover'] })));
  assert.doesNotThrow(() => assertChaosAllowed(ctx('kind', 'kind.sovereign-walk.test', { suites: ['failover'] })));
  assert.doesNotThrow(() => assertChaosAllowed(ctx('live', 'prod.example.com'), ['readiness']));
});
