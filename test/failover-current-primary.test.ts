/**
 * Which region the failover suite kills: the pair's primary as the regions report it now (after an
 * earlier failover, not the target file's primary); regions that disagree are a precondition
 * problem; no pair reported anywhere leaves the target's primary.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { currentPrimary } from '../src/suites/failover/run.js';
import type { RegionClient } from '../src/target/kube.js';
import type { RegionSpec } from '../src/target/types.js';

const REGIONS = [
  { name: 'hz-fsn-rtz-prod', role: 'primary' },
  { name: 'hz-hel-rtz-prod', role: 'secondary' },
] as RegionSpec[];

/** Each region's CNPGPair reports `primary` (undefined: none served; an Error: the region does not answer). */
function clients(reports: Record<string, string | undefined | Error>): (spec: RegionSpec) => RegionClient {
  return (spec) => ({
    list: async () => {
      const r = reports[spec.name];
      if (r instanceof Error) throw r;
      return { items: r === undefined ? [] : [{ metadata: { name: 'sw-counter', namespace: 'sw-counter' }, status: { currentPrimaryRegion: r } }] };
    },
  }) as unknown as RegionClient;
}

test('after a failover the region the pair reports is killed, with a note naming both', async () => {
  const r = await currentPrimary(REGIONS, clients({ 'hz-fsn-rtz-prod': 'hz-hel-rtz-prod', 'hz-hel-rtz-prod': 'hz-hel-rtz-prod' }));
  assert.equal(r.spec?.name, 'hz-hel-rtz-prod');
  assert.match(r.note ?? '', /the pair's primary is hz-hel-rtz-prod now \(an earlier failover\): the target calls hz-fsn-rtz-prod primary/);
  assert.equal(r.problem, undefined);
});

test("the target's primary when the pair agrees with it, or when no region reports a pair (one not answering says nothing)", async () => {
  assert.deepEqual(await currentPrimary(REGIONS, clients({ 'hz-fsn-rtz-prod': 'hz-fsn-rtz-prod', 'hz-hel-rtz-prod': 'hz-fsn-rtz-prod' })), { spec: REGIONS[0] });
  assert.deepEqual(await currentPrimary(REGIONS, clients({ 'hz-fsn-rtz-prod': undefined, 'hz-hel-rtz-prod': new Error('connect ETIMEDOUT') })), { spec: REGIONS[0] });
});

test('regions that disagree on the primary are a problem for the precondition, each report named', async () => {
  const r = await currentPrimary(REGIONS, clients({ 'hz-fsn-rtz-prod': 'hz-fsn-rtz-prod', 'hz-hel-rtz-prod': 'hz-hel-rtz-prod' }));
  assert.equal(r.problem, "the regions disagree on the pair's primary: hz-fsn-rtz-prod reports hz-fsn-rtz-prod, hz-hel-rtz-prod reports hz-hel-rtz-prod");
});
