/**
 * The failover's database connections on a live target verify the database's certificate: a
 * fake PostgreSQL on loopback answers the SSLRequest and hands over a certificate; the final
 * read goes on only with one the configured CA signed for that host. The k6 SQL writer is told
 * verify-full with the same CA.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import { test } from 'node:test';
import { redact } from '../src/evidence/redact.js';
import { k6ConnectionString, readFinalState } from '../src/suites/failover/writers.js';
import type { HttpClient } from '../src/target/http.js';
import type { DatabaseEndpoint, TargetSpec } from '../src/target/types.js';
import { makeCa, makeLeaf, type Pem } from './helpers/pki.js';

const PASSWORD = 'db-tls-password-8c7b6a';

/** Answers PostgreSQL's SSLRequest with 'S' and completes a TLS handshake with `leaf`; then hangs up. */
async function fakePostgres(leaf: Pem): Promise<{ port: number; handshakes: () => number; server: Server }> {
  let handshakes = 0;
  const server = createServer((socket) => {
    socket.once('data', () => {
      socket.write('S');
      const tls = new TLSSocket(socket, { isServer: true, cert: leaf.cert, key: leaf.key });
      tls.on('secure', () => {
        handshakes++;
        tls.destroy();
      });
      tls.on('error', () => socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, handshakes: () => handshakes, server };
}

function target(port: number, caFile: string | undefined): TargetSpec {
  const database: DatabaseEndpoint = { label: 'primary-rw', host: '127.0.0.1', port, database: 'app', user: 'app', passwordEnv: 'SW_TEST_DB_PASSWORD', caFile };
  return { kind: 'live', name: 't1', sovereign: 't1.omani.works', regions: [], poolDomain: 'omani.homes', resolve: [], tls: { issuerMustMatch: '', issuerMustNotMatch: '' }, database };
}

const read = (t: TargetSpec) => readFinalState(t, {} as HttpClient, 300, { SW_TEST_DB_PASSWORD: PASSWORD });

test('the final read trusts only a certificate the database CA signed for the database host', async () => {
  const ca = makeCa('db-ca');
  const other = makeCa('impostor-ca');
  const cases: [string, Pem, RegExp][] = [
    ['signed by another CA', makeLeaf(other, 'IP:127.0.0.1'), /certificate|self.signed|issuer/i],
    ['signed by the CA for another host', makeLeaf(ca, 'IP:127.0.0.2'), /IP: 127\.0\.0\.1 is not in the cert's list|altnames/i],
  ];
  for (const [what, leaf, re] of cases) {
    const pg = await fakePostgres(leaf);
    try {
      await assert.rejects(read(target(pg.port, ca.certPath)), (e: Error) => re.test(e.message) && !e.message.includes(PASSWORD), what);
      assert.equal(pg.handshakes(), 0, `${what}: the client never completed the handshake`);
    } finally {
      pg.server.close();
    }
  }
  const pg = await fakePostgres(makeLeaf(ca, 'IP:127.0.0.1'));
  try {
    await assert.rejects(read(target(pg.port, ca.certPath)), (e: Error) => !/certificate|altnames/i.test(e.message), 'past TLS, the fake hangs up');
    assert.ok(pg.handshakes() > 0, 'the right certificate completes the handshake');
  } finally {
    pg.server.close();
  }
});

test('the k6 SQL writer gets verify-full with the database CA (sslmode=disable only without one: sim and kind)', () => {
  const db: DatabaseEndpoint = { label: 'rw', host: 'db.t1.omani.works', port: 5432, database: 'app', user: 'app', passwordEnv: 'X', caFile: '/etc/sw/db ca.pem' };
  assert.equal(k6ConnectionString(db, 'p@ss'), 'postgres://app:p%40ss@db.t1.omani.works:5432/app?sslmode=verify-full&sslrootcert=%2Fetc%2Fsw%2Fdb%20ca.pem');
  assert.match(k6ConnectionString({ ...db, caFile: undefined }, 'p'), /\?sslmode=disable$/);
  const logged = redact(`k6 failed: ${k6ConnectionString(db, PASSWORD)}`);
  assert.ok(!logged.includes(PASSWORD) && logged.includes('sslrootcert='), 'the password never reaches a log; the CA path may');
});
