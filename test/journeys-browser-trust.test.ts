/**
 * The journeys' Chromium trusts the target's CA through a per-run NSS database, with
 * certificate checks on: a page served with a certificate the CA signed for its host loads; one
 * the CA did not sign, or signed for another name, fails; without the trust store even the
 * right one fails (nothing is ignored).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { launchChromium } from '../src/suites/journeys/chromium-trust.js';
import { SetupError } from '../src/target/errors.js';
import { makeCa, makeLeaf, type Pem } from './helpers/pki.js';

async function serve(leaf: Pem): Promise<{ url: string; server: Server }> {
  const server = createServer({ cert: leaf.cert, key: leaf.key }, (_req, res) => res.end('<title>sovereign</title>ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

test('the browser trusts --ca-file without ignoring certificate errors', async () => {
  const ca = makeCa('sovereign-ca');
  const right = await serve(makeLeaf(ca, 'IP:127.0.0.1'));
  const impostor = await serve(makeLeaf(makeCa('impostor-ca'), 'IP:127.0.0.1'));
  const otherName = await serve(makeLeaf(ca, 'IP:127.0.0.2'));
  const trusted = await launchChromium(ca.certPath);
  const plain = await launchChromium(undefined);
  try {
    const page = await trusted.browser.newPage();
    const res = await page.goto(right.url);
    assert.equal(res?.status(), 200);
    assert.equal(await page.title(), 'sovereign');
    await assert.rejects(page.goto(impostor.url), /ERR_CERT_AUTHORITY_INVALID/);
    await assert.rejects(page.goto(otherName.url), /ERR_CERT_COMMON_NAME_INVALID/);
    await assert.rejects((await plain.browser.newPage()).goto(right.url), /ERR_CERT_AUTHORITY_INVALID/, 'without the trust store the CA is unknown');
  } finally {
    await trusted.close();
    await plain.close();
    for (const s of [right, impostor, otherName]) s.server.close();
  }
});

test('a --ca-file without a certificate is a set-up error', async () => {
  await assert.rejects(launchChromium('/dev/null'), (e: unknown) => e instanceof SetupError && /holds no PEM certificate/.test((e as Error).message));
});

test('a launched Chromium leaves the stop signals to the walk: Playwright adds no SIGINT, SIGTERM or SIGHUP handler (its own would exit the walk with 130 before it reverted faults and wrote its reports)', async () => {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = signals.map((s) => process.listenerCount(s));
  const launched = await launchChromium(undefined);
  try {
    assert.deepEqual(signals.map((s) => process.listenerCount(s)), before);
  } finally {
    await launched.close();
  }
});
