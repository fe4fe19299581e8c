/** Throw-away CAs and leaf certificates for TLS tests, made with the openssl CLI. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp.js';

export interface Pem {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

const dir = tempDir('sw-pki-');
let n = 0;

const ssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const pem = (certPath: string, keyPath: string): Pem => ({ certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') });

export function makeCa(name: string): Pem {
  const base = join(dir, `${name}-${n++}`);
  ssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', `${base}.key`, '-out', `${base}.crt`]);
  return pem(`${base}.crt`, `${base}.key`);
}

/** A server certificate for `san` (e.g. `IP:127.0.0.1`, `DNS:localhost`) signed by `ca`. */
export function makeLeaf(ca: Pem, san: string): Pem {
  const base = join(dir, `leaf-${n++}`);
  ssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=leaf', '-keyout', `${base}.key`, '-out', `${base}.csr`]);
  writeFileSync(`${base}.ext`, `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  ssl(['x509', '-req', '-in', `${base}.csr`, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-CAcreateserial', '-days', '1', '-extfile', `${base}.ext`, '-out', `${base}.crt`]);
  return pem(`${base}.crt`, `${base}.key`);
}
