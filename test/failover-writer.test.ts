import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parse } from 'yaml';
import type { WriteRecord } from '../src/failover/history.js';
import { findK6, runK6Writer } from '../src/failover/k6.js';
import { createHttpTarget } from '../src/failover/targets/http-target.js';
import { createPgTarget, ensureCounterTable, readFinal } from '../src/failover/targets/pg-target.js';
import { runWriter, type WriterStats } from '../src/failover/writer.js';
import { startTempPostgres, type TempPostgres } from './helpers/pg.js';

const SERVER = fileURLToPath(new URL('../fixtures/counter-app/server.mjs', import.meta.url));
const CONFIGMAP = fileURLToPath(new URL('../fixtures/counter-app/manifests/configmap.yaml', import.meta.url));
const REGION = 'test-region';

interface CounterApp {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Starts fixtures/counter-app/server.mjs against `db` and waits until its table exists. */
async function startCounterApp(db: TempPostgres): Promise<CounterApp> {
  const child: ChildProcess = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env.PATH ?? '',
      PGHOST: '127.0.0.1',
      PGPORT: String(db.port),
      PGUSER: 'postgres',
      PGDATABASE: 'postgres',
      REGION,
      PORT: '0',
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let listening: number | null = null;
    const timer = setTimeout(() => reject(new Error('counter app did not become ready')), 10_000);
    child.once('exit', (code) => reject(new Error(`counter app exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const log = JSON.parse(line) as { msg: string; port?: number };
      if (log.msg === 'listening') listening = log.port ?? null;
      if (log.msg === 'table-ready' && listening !== null) {
        clearTimeout(timer);
        resolve(listening);
      }
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function collector(): { records: WriteRecord[]; onRecord: (r: WriteRecord) => void } {
  const records: WriteRecord[] = [];
  return { records, onRecord: (r) => records.push(r) };
}

function assertRecordShape(r: WriteRecord): void {
  assert.equal(r.key, `${r.writer}-${r.seq}`);
  assert.ok((r.ackAt === null) !== (r.error === null), `exactly one of ackAt/error: ${JSON.stringify(r)}`);
  if (r.ackAt !== null) {
    assert.ok(r.ackAt >= r.sentAt);
    assert.equal(typeof r.id, 'number');
  }
}

function assertSaneStats(stats: WriterStats, records: WriteRecord[], nominalRate: number): void {
  assert.equal(stats.sent, records.length);
  assert.equal(stats.acked + stats.errors, stats.sent);
  // Rate and spacing are measured by `npm run bench`, not asserted here: a loaded CI machine is no clock.
  assert.ok(stats.achievedRate > 0 && stats.achievedRate <= nominalRate * 1.1, `achievedRate ${stats.achievedRate}`);
  assert.ok(stats.spacing.medianMs > 0);
}

async function assertAckedKeysPresent(db: TempPostgres, records: WriteRecord[]): Promise<void> {
  const client = new pg.Client({ connectionString: db.connectionString });
  await client.connect();
  try {
    const finalIds = new Map((await readFinal(client)).rows.map((row) => [row.key, row.id]));
    for (const r of records.filter((w) => w.ackAt !== null)) {
      assert.equal(finalIds.get(r.key), r.id, `acked ${r.key} present with its id`);
    }
  } finally {
    await client.end();
  }
}

describe('failover writer against a real PostgreSQL', { timeout: 55_000 }, () => {
  let db: TempPostgres;
  let app: CounterApp;

  before(async () => {
    db = await startTempPostgres();
    app = await startCounterApp(db);
  });

  after(async () => {
    await app?.stop();
    await db?.stop();
  });

  it('writes 50/s for 2 s through the counter app; every ack is in the final state', { timeout: 20_000 }, async () => {
    const { records, onRecord } = collector();
    const started = Date.now();
    const stats = await runWriter({
      target: createHttpTarget({ baseUrl: app.baseUrl }),
      ratePerSec: 50,
      durationMs: 2000,
      writerId: 'http1',
      timeoutMs: 2000,
      onRecord,
    });
    assert.ok(Date.now() - started < 15_000, 'the writer stops after its duration');
    assert.equal(records.length, 100);
    assert.equal(stats.acked, 100);
    assert.equal(stats.errors, 0);
    assert.equal(stats.skipped, 0);
    assert.equal(stats.writer, 'node');
    assertSaneStats(stats, records, 50);
    records.forEach(assertRecordShape);
    assert.ok(records.every((r) => r.endpoint === REGION));
    assert.deepEqual(
      records.map((r) => r.seq).sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    await assertAckedKeysPresent(db, records);
  });

  it('writes 50/s for 2 s straight into PostgreSQL with the pg target', { timeout: 20_000 }, async () => {
    const { records, onRecord } = collector();
    const target = createPgTarget({ label: 'pg-local', connection: { connectionString: db.connectionString }, timeoutMs: 2000 });
    try {
      const stats = await runWriter({ target, ratePerSec: 50, durationMs: 2000, writerId: 'pg1', timeoutMs: 2000, onRecord });
      assert.equal(stats.acked, 100);
      assert.equal(stats.errors, 0);
      assertSaneStats(stats, records, 50);
      records.forEach(assertRecordShape);
      assert.ok(records.every((r) => r.endpoint === 'pg-local'));
    } finally {
      await target.close();
    }
    await assertAckedKeysPresent(db, records);
  });

  it('sustains 200 writes/s', { timeout: 20_000 }, async () => {
    const { records, onRecord } = collector();
    const target = createPgTarget({ label: 'pg-local', connection: { connectionString: db.connectionString }, timeoutMs: 2000 });
    try {
      const stats = await runWriter({ target, ratePerSec: 200, durationMs: 2000, writerId: 'fast1', onRecord });
      assert.equal(stats.sent, 400);
      assert.equal(stats.acked, 400);
      assertSaneStats(stats, records, 200);
    } finally {
      await target.close();
    }
  });

  it('k6 HTTP writer produces the same history format', { timeout: 20_000 }, async (t) => {
    const k6 = await findK6();
    if (k6 === null) {
      t.skip('k6 not installed');
      return;
    }
    const { records, onRecord } = collector();
    const stats = await runK6Writer({
      k6,
      script: { kind: 'http', baseUrl: app.baseUrl },
      ratePerSec: 20,
      durationMs: 2000,
      writerId: 'k6t',
      timeoutMs: 1000,
      onRecord,
    });
    assert.equal(stats.writer, 'k6');
    assert.ok(records.length >= 38 && records.length <= 41, `k6 sent ${records.length}`);
    assert.equal(stats.acked, records.length);
    records.forEach(assertRecordShape);
    assert.ok(records.every((r) => r.endpoint === REGION && /^k6t\d+$/.test(r.writer)));
    await assertAckedKeysPresent(db, records);
  });
});

describe('failover writer under failure', { timeout: 30_000 }, () => {
  it('keeps firing on schedule against a stalled server and times every write out', { timeout: 10_000 }, async () => {
    let open = 0;
    let peak = 0;
    const held: IncomingMessage[] = [];
    const server = createServer((req) => {
      held.push(req);
      open++;
      peak = Math.max(peak, open);
      req.socket.once('close', () => open--);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(typeof address === 'object' && address !== null);
    try {
      const { records, onRecord } = collector();
      const started = Date.now();
      const stats = await runWriter({
        target: createHttpTarget({ baseUrl: `http://127.0.0.1:${address.port}` }),
        ratePerSec: 50,
        durationMs: 1000,
        writerId: 'stall1',
        timeoutMs: 300,
        onRecord,
      });
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 1250 && elapsed < 10_000, `finished in ${elapsed}ms`);
      assert.equal(stats.sent, 50);
      assert.equal(stats.errors, 50);
      assert.ok(records.every((r) => r.error === 'timeout after 300ms' && r.endpoint === `127.0.0.1:${address.port}`));
      // Open loop: ~rate × timeout writes were in flight together, not one at a time.
      assert.ok(peak >= 5, `peak concurrent requests ${peak}`);
    } finally {
      held.forEach((req) => req.socket.destroy());
      server.close();
    }
  });

  it('records errors, not a crash, when PostgreSQL stops mid-run, and finishes on time', { timeout: 20_000 }, async () => {
    const db = await startTempPostgres();
    const app = await startCounterApp(db);
    const pgTarget = createPgTarget({ label: 'pg-dying', connection: { connectionString: db.connectionString }, timeoutMs: 500 });
    try {
      const setup = new pg.Client({ connectionString: db.connectionString });
      await setup.connect();
      await ensureCounterTable(setup);
      await setup.end();

      const direct = collector();
      const viaHttp = collector();
      const started = Date.now();
      const killer = new Promise<void>((resolve) => setTimeout(resolve, 1000)).then(() => db.stop());
      const [pgStats, httpStats] = await Promise.all([
        runWriter({ target: pgTarget, ratePerSec: 50, durationMs: 3000, writerId: 'die-pg', timeoutMs: 500, onRecord: direct.onRecord }),
        runWriter({
          target: createHttpTarget({ baseUrl: app.baseUrl }),
          ratePerSec: 50,
          durationMs: 3000,
          writerId: 'die-http',
          timeoutMs: 500,
          onRecord: viaHttp.onRecord,
        }),
      ]);
      await killer;
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 15_000, `finished in ${elapsed}ms`);
      for (const [stats, { records }] of [
        [pgStats, direct],
        [httpStats, viaHttp],
      ] as const) {
        assert.equal(stats.sent, 150);
        assert.equal(records.length, 150);
        assert.ok(stats.acked >= 30, `acked before the stop: ${stats.acked}`);
        assert.ok(stats.errors >= 80, `errors after the stop: ${stats.errors}`);
        records.forEach(assertRecordShape);
      }
      assert.ok(direct.records.every((r) => r.endpoint === 'pg-dying'));
      assert.ok(viaHttp.records.every((r) => r.endpoint === REGION));
    } finally {
      await pgTarget.close();
      await app.stop();
      await db.stop();
    }
  });
});

describe('counter app manifests', () => {
  it('configmap.yaml carries server.mjs verbatim', () => {
    const configMap = parse(readFileSync(CONFIGMAP, 'utf8')) as { data: Record<string, string> };
    assert.equal(configMap.data['server.mjs'], readFileSync(SERVER, 'utf8'));
  });
});
