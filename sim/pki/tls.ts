import { mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** A certificate authority that can sign leaves. */
export interface SimCa {
  cn: string;
  certPem: string;
  keyPem: string;
}

export interface LeafCert {
  certPem: string;
  keyPem: string;
  /** The certificate of the CA that signed the leaf. */
  caPem: string;
}

export interface SimPki {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** `<dir>/ca.crt`; the server pair is in `<dir>/tls.crt` and `<dir>/tls.key`. */
  caPath: string;
  ca: SimCa;
}

export const SIM_CA_CN = 'sovereign-walk sim CA';

// ECDSA P-256 keys generate in milliseconds, unlike RSA, so nothing needs caching.
const KEY_OPTIONS = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Valid from an hour ago (tolerates clock skew between processes) for `days` days. */
function validity(days: number): { notBeforeDate: Date; notAfterDate: Date } {
  const now = Date.now();
  return { notBeforeDate: new Date(now - 60 * 60 * 1000), notAfterDate: new Date(now + days * DAY_MS) };
}

export async function createCa(cn: string): Promise<SimCa> {
  const pems = await generate([{ name: 'commonName', value: cn }], {
    ...KEY_OPTIONS,
    ...validity(3650),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cn, certPem: pems.cert, keyPem: pems.private };
}

/** Caches the substitute CAs minted for `issuerCN`, so one CN always means one CA within a process. */
const substituteCas = new Map<string, Promise<SimCa>>();

/**
 * A server certificate for `hosts` (DNS names, wildcards or IP addresses) signed by `ca`, or,
 * when `issuerCN` names a different CA (e.g. `(STAGING) Let's Encrypt`), by a CA of that name
 * which clients trusting only `ca` will reject.
 */
export async function issueLeaf(ca: SimCa, hosts: string[], opts: { issuerCN?: string } = {}): Promise<LeafCert> {
  let issuer = ca;
  if (opts.issuerCN !== undefined && opts.issuerCN !== ca.cn) {
    let pending = substituteCas.get(opts.issuerCN);
    if (!pending) {
      pending = createCa(opts.issuerCN);
      substituteCas.set(opts.issuerCN, pending);
    }
    issuer = await pending;
  }
  const altNames = hosts.map((h) => (isIP(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h }));
  const pems = await generate([{ name: 'commonName', value: hosts[0] ?? 'localhost' }], {
    ...KEY_OPTIONS,
    ...validity(365),
    ca: { cert: issuer.certPem, key: issuer.keyPem },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private, caPem: issuer.certPem };
}

/**
 * Creates the sim's CA (CN `sovereign-walk sim CA`) and a server certificate for 127.0.0.1,
 * localhost and `hosts`, and writes them to `dir` as ca.crt, tls.crt and tls.key.
 */
export async function createSimPki(dir: string, hosts: string[]): Promise<SimPki> {
  const ca = await createCa(SIM_CA_CN);
  const leaf = await issueLeaf(ca, [...new Set(['localhost', '127.0.0.1', ...hosts])]);
  await mkdir(dir, { recursive: true });
  const caPath = join(dir, 'ca.crt');
  await Promise.all([
    writeFile(caPath, ca.certPem),
    writeFile(join(dir, 'tls.crt'), leaf.certPem),
    writeFile(join(dir, 'tls.key'), leaf.keyPem, { mode: 0o600 }),
  ]);
  return { caPem: ca.certPem, certPem: leaf.certPem, keyPem: leaf.keyPem, caPath, ca };
}

/** A client certificate for a Kubernetes user: CN is the user name, each O a group. */
export async function issueClient(ca: SimCa, user: string, groups: readonly string[] = []): Promise<LeafCert> {
  const pems = await generate([{ name: 'commonName', value: user }, ...groups.map((g) => ({ name: 'organizationName', value: g }))], {
    ...KEY_OPTIONS,
    ...validity(365),
    ca: { cert: ca.certPem, key: ca.keyPem },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private, caPem: ca.certPem };
}
