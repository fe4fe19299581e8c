import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkHistory, type Verdict } from '../src/failover/checker.js';
import {
  HistoryFormatError,
  formatHistoryLine,
  openHistoryFile,
  parseFinal,
  parseHistory,
  readFinalFile,
  readHistoryFile,
  writeFinalFile,
  type FinalState,
  type History,
  type HistoryEvent,
  type WriteRecord,
} from '../src/failover/history.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const STRICT = { rtoMs: 30_000, rpo: 0 };

function ack(key: string, sentAt: number, ackAt: number, id: number): WriteRecord {
  const [, writer, seq] = /^(.*)-(\d+)$/.exec(key) ?? [];
  return { key, writer, seq: Number(seq), sentAt, ackAt, id, error: null, endpoint: 'region-a' };
}

function failed(key: string, sentAt: number, error = 'timeout after 2000ms'): WriteRecord {
  const [, writer, seq] = /^(.*)-(\d+)$/.exec(key) ?? [];
  return { key, writer, seq: Number(seq), sentAt, ackAt: null, id: null, error, endpoint: 'region-a' };
}

function history(writes: WriteRecord[], events: HistoryEvent[] = []): History {
  return { writes, events };
}

function final(rows: Array<[string, number]>): FinalState {
  return { rows: rows.map(([key, id]) => ({ key, id })) };
}

const kill = (at: number): HistoryEvent => ({ event: 'kill', at });

/**
 * Region killed at 1500; promotion makes the sequence jump to 40. w1-3 was acknowledged and is
 * gone; w1-4 timed out but committed; x9-1 was never sent by this client.
 */
const MIXED = history(
  [
    ack('w1-1', 1000, 1010, 1),
    ack('w1-2', 1100, 1110, 2),
    ack('w1-3', 1200, 1210, 3),
    failed('w1-4', 1300),
    failed('w1-5', 1600, 'connect ECONNREFUSED'),
    ack('w1-6', 1700, 4000, 40),
    ack('w1-7', 4100, 4110, 41),
  ],
  [kill(1500), { event: 'promoted', at: 3900 }],
);
const MIXED_FINAL = final([
  ['w1-1', 1],
  ['w1-2', 2],
  ['w1-4', 4],
  ['w1-6', 40],
  ['w1-7', 41],
  ['x9-1', 50],
]);

describe('checkHistory', () => {
  it('finds exactly the lost, unexpected and harmless gaps of a failover', () => {
    const verdict = checkHistory(MIXED, MIXED_FINAL, STRICT);
    const expected: Verdict = {
      acknowledged: 5,
      lost: ['w1-3'],
      unexpected: ['w1-4', 'x9-1'],
      duplicated: [],
      reissuedIds: [],
      // (2,4) hides acked id 3, so only (4,40) and (41,50) are harmless.
      harmlessGaps: 2,
      rtoMs: 2500,
      unavailableMs: 2790,
      ackedAfterKill: 2,
      errors: 2,
      idMismatches: [],
      verdict: 'fail',
      reasons: ['1 acknowledged write lost (rpo 0): w1-3'],
      thresholds: { rtoMs: 30_000, rpo: 0 },
    };
    assert.deepEqual(verdict, expected);
    assert.deepEqual(Object.keys(verdict), Object.keys(expected));
  });

  it('tolerates loss up to the rpo threshold', () => {
    const verdict = checkHistory(MIXED, MIXED_FINAL, { rtoMs: 30_000, rpo: 1 });
    assert.equal(verdict.verdict, 'pass');
    assert.deepEqual(verdict.lost, ['w1-3']);
    assert.deepEqual(verdict.reasons, []);
  });

  it('passes a healthy failover: every ack survives, only the sequence skipped', () => {
    const h = history(
      [ack('w1-1', 1000, 1005, 1), ack('w2-1', 1001, 1006, 2), failed('w1-2', 1400), ack('w1-3', 1450, 2600, 33), ack('w2-2', 2000, 2610, 34)],
      [kill(1500)],
    );
    const verdict = checkHistory(
      h,
      final([
        ['w1-1', 1],
        ['w2-1', 2],
        ['w1-3', 33],
        ['w2-2', 34],
      ]),
      STRICT,
    );
    assert.equal(verdict.verdict, 'pass');
    assert.equal(verdict.acknowledged, 4);
    assert.equal(verdict.harmlessGaps, 1);
    // w1-3 was sent before the kill and answered by the same endpoint: not proof of recovery.
    assert.equal(verdict.rtoMs, 1110);
    assert.equal(verdict.unavailableMs, 1604);
    assert.equal(verdict.ackedAfterKill, 2);
    assert.equal(verdict.errors, 1);
    assert.deepEqual(verdict.lost, []);
    assert.deepEqual(verdict.unexpected, []);
  });

  it('fails an RTO breach', () => {
    const verdict = checkHistory(MIXED, MIXED_FINAL, { rtoMs: 1000, rpo: 1 });
    assert.equal(verdict.verdict, 'fail');
    assert.deepEqual(verdict.reasons, ['rto 2500ms exceeds 1000ms']);
  });

  it('without a kill, rtoMs and unavailableMs are null and RTO is not judged', () => {
    const h = history([ack('w1-1', 1000, 1010, 1), ack('w1-2', 1100, 1110, 2)]);
    const verdict = checkHistory(h, final([['w1-1', 1], ['w1-2', 2]]), { rtoMs: 1, rpo: 0 });
    assert.equal(verdict.rtoMs, null);
    assert.equal(verdict.unavailableMs, null);
    assert.equal(verdict.ackedAfterKill, 0);
    assert.equal(verdict.verdict, 'pass');
  });

  it('fails when nothing was acknowledged after the kill', () => {
    const h = history([ack('w1-1', 1000, 1010, 1), failed('w1-2', 1600)], [kill(1500)]);
    const verdict = checkHistory(h, final([['w1-1', 1]]), STRICT);
    assert.equal(verdict.rtoMs, null);
    assert.equal(verdict.unavailableMs, null);
    assert.equal(verdict.verdict, 'fail');
    assert.deepEqual(verdict.reasons, ['no write was acknowledged after the kill']);
  });

  it('a write in flight at the kill that the dying primary acknowledged is no recovery', () => {
    const h = history([ack('w1-1', 1000, 1010, 1), ack('w1-2', 1490, 1501, 2), failed('w1-3', 1600, 'connect ECONNREFUSED')], [{ ...kill(1500), region: 'region-a' }]);
    const verdict = checkHistory(h, final([['w1-1', 1], ['w1-2', 2]]), { rtoMs: 3_000, rpo: 0 });
    assert.equal(verdict.ackedAfterKill, 1);
    assert.equal(verdict.rtoMs, null);
    assert.equal(verdict.verdict, 'fail');
    assert.deepEqual(verdict.reasons, ['no write sent after the kill was acknowledged (only 1 write in flight at the kill, which proves no recovery)']);
  });

  it('a write sent before the kill and answered by a new backend is recovery; the killed region never is', () => {
    const promotedServes = { ...ack('w1-2', 1400, 2200, 40), endpoint: 'region-b' };
    const killedAnswers = { ...ack('w2-1', 1600, 1700, 3), endpoint: 'region-a' };
    const h = history([ack('w1-1', 1000, 1010, 1), killedAnswers, promotedServes], [{ ...kill(1500), region: 'region-a' }]);
    const verdict = checkHistory(h, final([['w1-1', 1], ['w2-1', 3], ['w1-2', 40]]), STRICT);
    assert.equal(verdict.rtoMs, 700);
    assert.equal(verdict.ackedAfterKill, 2);
  });

  it('counts an ack at the kill instant as before the kill', () => {
    const h = history([ack('w1-1', 1000, 1500, 1), ack('w1-2', 1600, 1700, 2)], [kill(1500)]);
    const verdict = checkHistory(h, final([['w1-1', 1], ['w1-2', 2]]), STRICT);
    assert.equal(verdict.ackedAfterKill, 1);
    assert.equal(verdict.rtoMs, 200);
    assert.equal(verdict.unavailableMs, 200);
  });

  it('fails keys present more than once', () => {
    const h = history([ack('w1-1', 1000, 1010, 5)]);
    const verdict = checkHistory(h, final([['w1-1', 5], ['w1-1', 6]]), STRICT);
    assert.deepEqual(verdict.duplicated, ['w1-1']);
    assert.deepEqual(verdict.idMismatches, []);
    assert.equal(verdict.verdict, 'fail');
    assert.deepEqual(verdict.reasons, ['1 key present more than once: w1-1']);
  });

  it('fails ids acknowledged for two keys (split brain)', () => {
    const h = history([ack('w1-1', 1000, 1010, 7), ack('w2-1', 1000, 1012, 7), ack('w1-2', 1100, 1110, 8)]);
    const verdict = checkHistory(h, final([['w1-1', 7], ['w2-1', 7], ['w1-2', 8]]), STRICT);
    assert.deepEqual(verdict.reissuedIds, [7]);
    assert.equal(verdict.verdict, 'fail');
    assert.deepEqual(verdict.reasons, ['1 id acknowledged for more than one key: 7']);
  });

  it('fails an acknowledged row that changed id', () => {
    const h = history([ack('w1-1', 1000, 1010, 5), ack('w1-2', 1100, 1110, 6)]);
    const verdict = checkHistory(h, final([['w1-1', 9], ['w1-2', 6]]), STRICT);
    assert.deepEqual(verdict.idMismatches, [{ key: 'w1-1', ackedId: 5, finalIds: [9] }]);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.verdict, 'fail');
    assert.deepEqual(verdict.reasons, ['1 acknowledged write changed id: w1-1 (acked 5, final 9)']);
  });

  it('orders keys by writer then numeric seq, and ids numerically', () => {
    const writes = ['w2-1', 'w1-10', 'w1-9', 'w10-1'].map((key, i) => ack(key, 1000 + i, 1010 + i, [30, 4, 100, 2][i]));
    const verdict = checkHistory(history(writes), final([]), STRICT);
    assert.deepEqual(verdict.lost, ['w1-9', 'w1-10', 'w10-1', 'w2-1']);
    assert.equal(verdict.reasons[0], '4 acknowledged writes lost (rpo 0): w1-9, w1-10, w10-1, w2-1');
    const reissued = checkHistory(
      history([ack('a-1', 0, 1, 10), ack('b-1', 0, 1, 10), ack('a-2', 0, 1, 9), ack('b-2', 0, 1, 9)]),
      final([]),
      STRICT,
    );
    assert.deepEqual(reissued.reissuedIds, [9, 10]);
  });

  it('counts harmless gaps only where no acknowledged id is missing', () => {
    const h = history([ack('w1-1', 0, 1, 1), ack('w1-2', 0, 1, 5), ack('w1-3', 0, 1, 20)]);
    const verdict = checkHistory(h, final([['w1-1', 1], ['w1-2', 5], ['w1-3', 20], ['w1-4', 21]]), STRICT);
    assert.equal(verdict.harmlessGaps, 2);
    assert.equal(verdict.verdict, 'pass');
  });
});

describe('history and final formats', () => {
  it('round-trips writes and events, keeping extra event fields', () => {
    const lines = [
      formatHistoryLine(ack('w1-1', 1000, 1010, 1)),
      formatHistoryLine({ event: 'continuum-phase', at: 1200, phase: 'SwitchingOver' }),
      formatHistoryLine(failed('w1-2', 1300)),
    ].join('');
    const parsed = parseHistory(`${lines}\n`, 'h.ndjson');
    assert.deepEqual(parsed.writes, [ack('w1-1', 1000, 1010, 1), failed('w1-2', 1300)]);
    assert.deepEqual(parsed.events, [{ event: 'continuum-phase', at: 1200, phase: 'SwitchingOver' }]);
  });

  it('writes and reads history and final files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-history-'));
    try {
      const file = openHistoryFile(join(dir, 'history.ndjson'));
      MIXED.writes.forEach((w) => file.append(w));
      MIXED.events.forEach((e) => file.append(e));
      await file.close();
      assert.deepEqual(await readHistoryFile(join(dir, 'history.ndjson')), MIXED);
      await writeFinalFile(join(dir, 'final.json'), MIXED_FINAL);
      assert.deepEqual(await readFinalFile(join(dir, 'final.json')), MIXED_FINAL);
      await assert.rejects(readFinalFile(join(dir, 'missing.json')), /missing\.json: cannot read \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the file, line and defect', () => {
    const good = formatHistoryLine(ack('w1-1', 1000, 1010, 1));
    const cases: Array<[string, RegExp]> = [
      [`${good}{"key":"w1-2"`, /^h\.ndjson:2: invalid JSON/],
      [`${good}\n{"key":"w1-2","writer":"w1","seq":2,"sentAt":5,"ackAt":null,"id":null,"error":null}`, /^h\.ndjson:3: "endpoint" must be a string$/],
      [`${good}${good}`, /^h\.ndjson:2: key "w1-1" already recorded on line 1$/],
      ['{"event":"kill"}', /^h\.ndjson:1: "at" must be epoch milliseconds$/],
      ['[1]', /^h\.ndjson:1: expected a JSON object$/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseHistory(text, 'h.ndjson'), (err: unknown) => err instanceof HistoryFormatError && message.test(err.message));
    }
    assert.throws(() => parseFinal('{"rows":[{"key":"a-1","id":"7"}]}', 'f.json'), /HistoryFormatError: f\.json: rows\[0\] must be/);
    assert.throws(() => parseFinal('{}', 'f.json'), /f\.json: expected an object with a "rows" array/);
  });
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(join(REPO, 'node_modules', '.bin', 'tsx'), [join(REPO, 'cli', 'check-history.ts'), ...args], { cwd: REPO }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

describe('check-history CLI', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-check-'));
  const historyFile = join(dir, 'history.ndjson');
  const finalFile = join(dir, 'final.json');
  writeFileSync(historyFile, [...MIXED.writes, ...MIXED.events].map(formatHistoryLine).join(''));
  writeFileSync(finalFile, JSON.stringify(MIXED_FINAL));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the verdict and exits 1 on loss', async () => {
    const result = await runCli(['--history', historyFile, '--final', finalFile]);
    assert.equal(result.code, 1);
    const verdict = JSON.parse(result.stdout) as Verdict;
    assert.equal(result.stdout, `${JSON.stringify(verdict, null, 2)}\n`);
    assert.equal(verdict.acknowledged, 5);
    assert.deepEqual(verdict.lost, ['w1-3']);
    assert.deepEqual(verdict.unexpected, ['w1-4', 'x9-1']);
    assert.equal(verdict.harmlessGaps, 2);
    assert.equal(verdict.rtoMs, 2500);
    assert.equal(verdict.verdict, 'fail');
  });

  it('exits 0 when within thresholds, with durations parsed by ms', async () => {
    const result = await runCli(['--history', historyFile, '--final', finalFile, '--rto', '3s', '--rpo', '1']);
    assert.equal(result.code, 0, result.stderr);
    const verdict = JSON.parse(result.stdout) as Verdict;
    assert.equal(verdict.verdict, 'pass');
    assert.deepEqual(verdict.thresholds, { rtoMs: 3000, rpo: 1 });
  });

  it('exits 2 with one line naming the bad history line', async () => {
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, `${formatHistoryLine(ack('w1-1', 1, 2, 1))}${formatHistoryLine(kill(3))}{"key": oops}\n`);
    const result = await runCli(['--history', bad, '--final', finalFile]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^check-history: .*bad\.ndjson:3: invalid JSON \([^\n]*\)\n$/);
  });

  it('exits 2 on usage errors', async () => {
    for (const args of [['--history', historyFile], ['--history', historyFile, '--final', finalFile, '--rto', 'soon']]) {
      const result = await runCli(args);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^check-history: [^\n]+\n$/);
    }
  });
});
