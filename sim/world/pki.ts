/**
 * The certificate authorities of an embedded Sovereign's world: the Sovereign's own CA (its API
 * servers, its Gateway's wildcard certificate; the harness is handed this CA, as an operator is
 * handed a live Sovereign's), and a stand-in for the public Web PKI that the mothership's hosts
 * (ghcr.io, github.com, …) present. Flux trusts both, through one bundle with the system's roots.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCa, issueLeaf, type LeafCert, type SimCa } from '../pki/tls.js';

export const SIM_CA_CN = 'sovereign-walk sim CA';
export const PUBLIC_CA_CN = 'sovereign-walk public web CA';
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export interface WorldPki {
  ca: SimCa;
  publicCa: SimCa;
  /** The Sovereign CA's PEM file (the harness's `caFile`). */
  caPath: string;
  /** System roots + both CAs, for the Flux controllers. */
  bundlePath: string;
  /** The Gateway's certificate for the Sovereign's names. */
  gateway: LeafCert;
  gatewayNames: string[];
}

function systemRoots(): string {
  try {
    return readFileSync(SYSTEM_BUNDLE, 'utf8');
  } catch {
    return '';
  }
}

export async function createWorldPki(dir: string, sovereign: string, poolDomain: string): Promise<WorldPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const [ca, publicCa] = await Promise.all([createCa(SIM_CA_CN), createCa(PUBLIC_CA_CN)]);
  const gatewayNames = [`*.${sovereign}`, sovereign, `*.${poolDomain}`];
  const gateway = await issueLeaf(ca, ['localhost', '127.0.0.1', ...gatewayNames]);
  const caPath = join(dir, 'ca.crt');
  const bundlePath = join(dir, 'trust-bundle.pem');
  await Promise.all([
    writeFile(caPath, ca.certPem),
    writeFile(bundlePath, `${systemRoots().trimEnd()}\n${ca.certPem.trim()}\n${publicCa.certPem.trim()}\n`),
  ]);
  return { ca, publicCa, caPath, bundlePath, gateway, gatewayNames };
}
