/**
 * Secrets (tokens, PINs, passwords, cookies, kubeconfig keys) never reach a log or report:
 * every text the harness writes or prints passes through `redact`, every JSON value through
 * `redactJson` (which masks by key as well, and always yields valid JSON).
 */
const MASK = '[REDACTED]';
const known = new Set<string>();

/** Names (keys, headers, query parameters) whose values are secrets. `"?` lets them sit inside JSON. */
const SECRET_NAMES =
  'password|passwd|passphrase|token|access[_-]?token|refresh[_-]?token|id[_-]?token|pin|secret|client[_-]?secret|' +
  'client-key-data|client-certificate-data|HCLOUD_TOKEN|api[_-]?key|x-api-key';

const PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, MASK],
  [/(authorization"?\s*[:=]\s*"?(?:bearer|basic|token)\s+)[^\s",]+/gi, `$1${MASK}`],
  [/(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${MASK}`],
  [/((?:set-)?cookie\\?"?\s*[:=]\s*\[?\s*\\?"?)[^\r\n"\]\\]+/gi, `$1${MASK}`],
  // An optional backslash before the quotes also catches names inside a JSON string that holds JSON ({\"password\":\"…).
  [new RegExp(`(\\\\?"?(?:${SECRET_NAMES})\\\\?"?\\s*[:=]\\s*\\\\?"?)[^"\\\\\\s,}&\\]]+`, 'gi'), `$1${MASK}`],
  [/(catalyst_session=)[^;\s"]+/gi, `$1${MASK}`],
  [/(postgres(?:ql)?:\/\/[^:/\s"]+:)[^@\s"]+@/gi, `$1${MASK}@`],
  // Base64-encoded PEM private keys (Kubernetes Secret data, kubeconfig client-key-data).
  [/LS0tLS1CRUdJTi[A-Za-z0-9+/]{0,40}?(?:UFJJVkFURSBLRV|QUklWQVRFIEtFW|BSSVZBVEUgS0VZ)[A-Za-z0-9+/=]*/g, MASK],
  // JSON Web Tokens wherever they appear (URLs, logs, error messages).
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, MASK],
  // "Your PIN is 483920", "PIN code 4711".
  [/(\bPIN\b(?:\s+code)?(?:\s+is)?\s+)\d{4,8}\b/gi, `$1${MASK}`],
];

/** A JSON key whose value is a secret: `password`, `voucherPin`, `sessionToken`, `set-cookie` … */
const SECRET_KEY = /(password|passwd|passphrase|secret|token|cookie|authorization|apikey|clientkeydata|privatekey|pin)s?$/;

/** Remember a secret value so every later write masks it wherever it appears. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) known.add(value);
}

export function registerSecretsFromEnv(names: Iterable<string>): void {
  for (const n of names) registerSecret(process.env[n]);
}

export function redact(text: string): string {
  let out = text;
  for (const s of known) out = /^\d+$/.test(s) ? out.replace(new RegExp(`(?<!\\d)${s}(?!\\d)`, 'g'), MASK) : out.split(s).join(MASK);
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}

function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.toLowerCase().replace(/[^a-z]/g, ''));
}

function redactValue(value: unknown, secretKey: boolean): unknown {
  if (typeof value === 'string') return secretKey && value !== '' ? MASK : redact(value);
  if (secretKey && (typeof value === 'number' || typeof value === 'bigint')) return MASK;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secretKey));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[redact(k)] = redactValue(v, isSecretKey(k));
    return out;
  }
  return value;
}

/** Deep-redacts a JSON-able value: every string through `redact`, values under secret-named keys masked. */
export function redactJson<T>(value: T): T {
  return redactValue(JSON.parse(JSON.stringify(value)) as unknown, false) as T;
}
