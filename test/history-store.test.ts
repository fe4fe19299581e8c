/** The history store on disk: where it is, one file per walk, adding twice, keeping the newest walks per scope. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { allureHistoryPath, appendEntry, historyDirOf, readStore } from '../src/history/store.js';
import { T38, T40, walk } from './history-fixture.js';

test('the store is --history-dir, else SW_HISTORY_DIR, else history/ under the reports folder', () => {
  assert.equal(historyDirOf('/a/store', 'reports', { SW_HISTORY_DIR: '/b' }), '/a/store');
  assert.equal(historyDirOf(undefined, 'reports', { SW_HISTORY_DIR: '/b' }), '/b');
  assert.equal(historyDirOf(undefined, 'out', {}), resolve('out/history'));
  assert.equal(allureHistoryPath('/s', T38, { suites: ['journeys'], shard: '2/3' }), `/s/${T38}/allure/journeys-shard-2-of-3.jsonl`);
});

test('one file per walk and Sovereign; adding a walk again replaces it; the newest 60 walks of a scope are kept', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-history-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const nights = Array.from({ length: 62 }, (_, night) => walk({ night, gates: [['readiness/01-bp-cilium', 'passed']] }));
  for (const w of nights) appendEntry(dir, w);
  appendEntry(dir, nights[61]);
  const other = walk({ night: 0, minutes: 5, suites: ['journeys'], shard: '1/3', gates: [['journeys/console-sign-in', 'passed']] });
  appendEntry(dir, other);
  appendEntry(dir, walk({ sovereign: T40, night: 0, gates: [['readiness/01-bp-cilium', 'failed']] }));
  const t38 = readStore(dir, T38);
  assert.deepEqual(t38.problems, []);
  assert.equal(t38.entries.filter((e) => e.scope.suites[0] === 'readiness').length, 60);
  assert.deepEqual(t38.entries.slice(0, 1).map((e) => e.runId), [nights[61].runId], 'newest first');
  assert.ok(!t38.entries.some((e) => e.runId === nights[1].runId), 'the oldest walks of the scope went');
  assert.ok(t38.entries.some((e) => e.runId === other.runId), 'another scope keeps its own walks');
  assert.equal(readdirSync(join(dir, T38)).length, 61);
  assert.deepEqual([...new Set(readStore(dir).entries.map((e) => e.sovereign))].sort(), [T38, T40], 'every Sovereign without one named');
});
