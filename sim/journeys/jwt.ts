/** RS256 tokens from a key the sim generates at start, like catalyst-api's self-signed handover key. */
import { createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';

const b64 = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export class TokenSigner {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(private readonly issuer: string) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  sign(claims: Record<string, unknown>, ttlSec: number): string {
    const now = Math.floor(Date.now() / 1000);
    const head = b64(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
    const body = b64(JSON.stringify({ iss: this.issuer, iat: now, exp: now + ttlSec, ...claims }));
    const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(this.privateKey);
    return `${head}.${body}.${b64(sig)}`;
  }

  /** The claims of a valid, unexpired token from this signer; undefined otherwise. */
  verify(token: string | undefined): Record<string, unknown> | undefined {
    const parts = (token ?? '').split('.');
    if (parts.length !== 3) return undefined;
    const ok = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`).verify(this.publicKey, Buffer.from(parts[2], 'base64url'));
    if (!ok) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
      return typeof claims.exp === 'number' && claims.exp * 1000 > Date.now() ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}
