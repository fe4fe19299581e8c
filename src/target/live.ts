/** The TargetSpec of a live Sovereign, from flags and environment (secrets by variable name only). */
import { existsSync } from 'node:fs';
import { SetupError } from './errors.js';
import type { MailboxSpec, ResolveRule, TargetSpec } from './types.js';

export const LETS_ENCRYPT = { issuerMustMatch: "Let's Encrypt", issuerMustNotMatch: 'STAGING|Fake|\\(STAGING\\)' };

/** `host:port:addr:port` (like curl --resolve, with the target port added). */
export function parseResolve(spec: string): ResolveRule {
  const m = /^(\*?[A-Za-z0-9.-]+):(\d+):([0-9.]+|\[[0-9a-fA-F:]+\]):(\d+)$/.exec(spec);
  if (!m) throw new SetupError(`--resolve ${JSON.stringify(spec)} must be <host>:<port>:<address>:<port>`);
  return { host: m[1].toLowerCase(), port: Number(m[2]), address: m[3].replace(/^\[|\]$/g, ''), targetPort: Number(m[4]) };
}

export interface LiveTargetInput {
  sovereign: string;
  kubeconfigs: { region: string; path: string }[];
  resolve: string[];
  caFile?: string;
  pool?: string;
  record?: string;
  mothershipUrl?: string;
  natsUrl?: string;
  /** --hcloud-selector (else SW_HCLOUD_LABEL_SELECTOR): without one the primary region has no hcloud kill. */
  hcloudSelector?: string;
  /** --db-ca-file (else SW_DB_CA_FILE). */
  dbCaFile?: string;
  env: NodeJS.ProcessEnv;
}

export function liveTarget(i: LiveTargetInput): TargetSpec {
  if (!i.kubeconfigs.length) throw new SetupError(`--sov ${i.sovereign} needs a kubeconfig per region: --kubeconfig <region>=<path> (repeatable, primary first)`);
  for (const k of i.kubeconfigs) if (!existsSync(k.path)) throw new SetupError(`kubeconfig for region ${k.region} not found: ${k.path}`);
  if (i.caFile && !existsSync(i.caFile)) throw new SetupError(`--ca-file ${i.caFile} not found`);
  const short = /^(t\d+|hw\d+|otech\d+)\./.exec(i.sovereign)?.[1] ?? i.sovereign.split('.')[0];
  const e = i.env;
  const hcloudSelector = i.hcloudSelector ?? e.SW_HCLOUD_LABEL_SELECTOR;
  const dbCaFile = i.dbCaFile ?? e.SW_DB_CA_FILE;
  if (e.SW_DB_HOST && !dbCaFile) throw new SetupError(`SW_DB_HOST is set: the database of ${i.sovereign} is reached over TLS with its certificate verified; pass --db-ca-file <pem> (or SW_DB_CA_FILE) with the CA that signs it`);
  if (dbCaFile && !existsSync(dbCaFile)) throw new SetupError(`--db-ca-file ${dbCaFile} not found`);
  const mailbox: MailboxSpec | undefined = e.SW_IMAP_HOST
    ? { kind: 'imap', host: e.SW_IMAP_HOST, port: Number(e.SW_IMAP_PORT ?? 993), secure: (e.SW_IMAP_SECURE ?? 'true') !== 'false', user: e.SW_IMAP_USER ?? '', passwordEnv: 'SW_IMAP_PASSWORD' }
    : e.SW_MAILPIT_URL
      ? { kind: 'mailpit', url: e.SW_MAILPIT_URL }
      : undefined;
  return {
    kind: 'live',
    name: short,
    sovereign: i.sovereign,
    regions: i.kubeconfigs.map((k, n) => ({ name: k.region, role: n === 0 ? 'primary' : 'secondary', kubeconfigPath: k.path, kill: n === 0 && hcloudSelector ? { kind: 'hcloud', labelSelector: hcloudSelector } : undefined })),
    poolDomain: i.pool ?? 'omani.homes',
    resolve: i.resolve.map(parseResolve),
    caFile: i.caFile,
    tls: LETS_ENCRYPT,
    mailbox,
    nats: i.natsUrl || e.SW_NATS_URL ? { url: (i.natsUrl ?? e.SW_NATS_URL)! } : undefined,
    record: i.record ? { file: i.record } : i.mothershipUrl ? { url: i.mothershipUrl, tokenEnv: 'SW_MOTHERSHIP_TOKEN' } : undefined,
    database: e.SW_DB_HOST
      ? { label: e.SW_DB_LABEL ?? 'primary-rw', host: e.SW_DB_HOST, port: Number(e.SW_DB_PORT ?? 5432), database: e.SW_DB_NAME ?? 'app', user: e.SW_DB_USER ?? 'app', passwordEnv: 'SW_DB_PASSWORD', caFile: dbCaFile }
      : undefined,
    counterUrl: e.SW_COUNTER_URL ?? `https://counter.${i.sovereign}`,
    secretsEnv: { imap: 'SW_IMAP_PASSWORD', mothership: 'SW_MOTHERSHIP_TOKEN', hcloud: 'HCLOUD_TOKEN', db: 'SW_DB_PASSWORD', operatorSession: 'SW_OPERATOR_SESSION_TOKEN' },
  };
}
