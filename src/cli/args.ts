/** `npm run walk -- [flags]`: parsed into a WalkRequest, or a SetupError (one line, exit 2). */
import { Command, CommanderError, Option } from 'commander';
import { SetupError } from '../target/errors.js';
import type { TargetKind } from '../target/types.js';
import type { WalkOptions } from '../run/context.js';
import { parseCount, parseDuration } from './duration.js';
import { resolveSovereign, DEFAULT_TLD } from './sovereign.js';
import { loadHttpsHosts } from '../suites/dod/https-hosts.js';
import { MAX_KIT_SLOTS } from '../kit/load.js';

export const SUITES = ['readiness', 'dod', 'journeys', 'cutover', 'failover'] as const;
export type SuiteName = (typeof SUITES)[number];

export interface WalkRequest {
  targetKind: TargetKind;
  sovereign?: string;
  kubeconfigs: { region: string; path: string }[];
  simFaults: string[];
  dryRun: boolean;
  /** --kit was given (kind defaults to its own kit profile otherwise). */
  kitGiven: boolean;
  resolve: string[];
  caFile?: string;
  pool?: string;
  record?: string;
  mothershipUrl?: string;
  natsUrl?: string;
  /** Label selector of the primary region's Hetzner Cloud servers (hcloud region kill). */
  hcloudSelector?: string;
  /** CA that signs the database's certificate (failover writers and final read on live). */
  dbCaFile?: string;
  /** Set only when given on the command line: defaults differ per target. */
  slotDeadlineMs?: number;
  settleMs?: number;
  minNodes?: number;
  holdMs?: number;
  mailTimeoutMs?: number;
  options: Omit<WalkOptions, 'slotDeadlineMs' | 'settleMs' | 'minNodes' | 'holdMs' | 'mailTimeoutMs'>;
}

const collect = (v: string, prev: string[]) => [...prev, v];
const SIM_OPERATOR_EMAIL = 'operator@sovereign-walk.test';
const SIM_CUSTOMER_EMAIL = 'customer@sovereign-walk.test';

function program(faultKinds?: string): Command {
  return new Command('walk')
    .description('Walk an OpenOva Sovereign through its Definition of Done: readiness, DoD layers, journeys, cutover, failover.')
    .option('--sov <tNN|fqdn>', `Sovereign to walk: t38 → t38.${DEFAULT_TLD}, or a full FQDN`)
    .option('--tld <domain>', 'parent domain for a short --sov (rate-limit fallback: omantel.biz)', DEFAULT_TLD)
    .addOption(new Option('--target <kind>', 'sim (embedded simulated Sovereign), kind, or live').choices(['sim', 'kind', 'live']))
    .option('--kubeconfig <region=path>', 'kubeconfig of one region (repeatable; the first is the primary)', collect, [])
    .option('--region <name>', 'walk only these regions (repeatable)', collect, [])
    .option('--suite <list>', `comma-separated suites: ${SUITES.join(',')} (default all; live without --allow-chaos: no cutover, failover)`, SUITES.join(','))
    .option('--kit <file>', `bootstrap kit JSON (schema of fixtures/bootstrap-kit-48.json; at most ${MAX_KIT_SLOTS} slots; every dependsOn names a slot of the kit, except on a live Sovereign, where other names get a warning)`, 'fixtures/bootstrap-kit-48.json')
    .option('--report-dir <dir>', 'where runs are written (<dir>/<target>/<timestamp>/)', 'reports')
    .option('--history-dir <dir>', 'walk history store this walk is compared with and added to (default $SW_HISTORY_DIR, else <report-dir>/history)')
    .option('--json', 'print summary.json on stdout (progress goes to stderr)', false)
    .option('--sim-fault <kind:arg>', 'inject a fault into the simulated Sovereign (repeatable; sim only)', collect, [])
    .option('--slot-deadline <duration>', 'per-slot readiness deadline (default 10m live, 3m sim)')
    .option('--settle <duration>', 'everything must stay Ready this long after the last slot passes, surfaces probed again at its end (default 10s live and sim; 0s: no window, each surface judged once)')
    .option('--allow-chaos', 'allow destructive suites (cutover enforce, failover) on a live test Sovereign', false)
    .option('--test-sov-pattern <regex>', 'extra FQDN pattern treated as a test Sovereign (repeatable)', collect, [])
    .addOption(new Option('--cutover <mode>', 'enforce: apply and hold our own deny-egress policy; observe: judge the platform\'s own hold').choices(['enforce', 'observe']).default('enforce'))
    .option('--hold <duration>', 'deny-egress hold (default 10m; 1m on the sim)')
    .option('--rto <duration>', 'failover RTO threshold', '30s')
    .option('--rpo <count>', 'acknowledged writes that may be lost', '0')
    .option('--write-rate <perSecond>', 'failover writes per second', '10')
    .addOption(new Option('--load <where>', 'failover write load: local (k6 or the Node writer on this machine) or k6-operator (a TestRun in a surviving region; its CRD must be served)').choices(['local', 'k6-operator']).default('local'))
    .option('--k6 <path>', 'k6 binary for the failover writer (default: k6 on PATH; without one the built-in Node writer runs)')
    .option('--kill-mode <mode>', 'region kill actuator override (hcloud, network-policy, cnpg-fence)')
    .option('--hcloud-selector <selector>', 'Hetzner Cloud label selector of the primary region\'s servers (default $SW_HCLOUD_LABEL_SELECTOR); the kill is refused (exit 2) unless it matches exactly the nodes that region\'s API server lists')
    .option('--db-ca-file <pem>', 'CA of the database\'s certificate (default $SW_DB_CA_FILE); needed on live when SW_DB_HOST is set: the failover writers and final read verify it')
    .option('--min-nodes <n>', 'Ready nodes required per region (DoD L2; default 4, kind 3)')
    .option('--record <file>', 'deployment record JSON (DoD L1)')
    .option('--dod-hosts <file>', 'DoD L5 host table JSON: [{host, path, expect: [statuses], authWall?}] (default: the platform\'s eight hosts)')
    .option('--mothership-url <url>', 'mothership deployments API for the record (token from SW_MOTHERSHIP_TOKEN)')
    .option('--pool <domain>', 'org-pool parent domain for new Organizations', 'omani.homes')
    .option('--operator-session', 'use the test-session endpoint instead of PIN sign-in for the operator', false)
    .option('--mail-timeout <duration>', 'how long a journey waits for one mail (default 2m live, 30s sim)')
    .option('--operator-email <email>', `operator mailbox address (default ${SIM_OPERATOR_EMAIL} on sim and kind; on live: required, or derived from SW_IMAP_USER as user+operator@domain)`)
    .option('--customer-email <email>', `customer mailbox address (default ${SIM_CUSTOMER_EMAIL} on sim and kind; on live: required, or derived from SW_IMAP_USER as user+customer@domain)`)
    .addOption(new Option('--redeem-link <form>', 'expected redeem link form: slash (/redeem/?code=) or plain (/redeem?code=)').choices(['slash', 'plain']).default('slash'))
    .option('--nats-url <url>', 'NATS URL for the D35 event check')
    .option('--resolve <host:port:addr:port>', 'connect to addr:port whenever a URL names host:port (like curl --resolve; repeatable)', collect, [])
    .option('--ca-file <pem>', 'extra CA certificate to trust for HTTPS')
    .option('--dry-run', 'print what would be done (kind: every command and manifest) and exit', false)
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', faultKinds ? `\nFault kinds for --sim-fault <kind:arg> (embedded simulated Sovereign only):\n${faultKinds}\n` : '')
    .allowExcessArguments(false)
    .showHelpAfterError(false);
}

/** Flags whose value names something: an empty or blank value is a mistake, never a default. */
const NAMING_FLAGS = { sov: '--sov', tld: '--tld', kit: '--kit', reportDir: '--report-dir', k6: '--k6' } as const;

/** A region name becomes part of gate ids (`dod/L3.<region>.…`), so it is a DNS label. */
const REGION = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Parses argv (without node and script). Help is printed by commander and surfaces as
 * `{ help: true }`; `faultKinds` (one line per `--sim-fault` kind) is printed after it.
 */
export function parseWalkArgs(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), faultKinds?: string): WalkRequest | { help: true } {
  const cmd = program(faultKinds)
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: () => {} });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') return { help: true };
      throw new SetupError(`${e.message.replace(/^error:\s*/, '').split('\n')[0]} (see --help)`);
    }
    throw e;
  }
  const o = cmd.opts<Record<string, string | string[] | boolean | undefined>>();
  const str = (k: string) => o[k] as string | undefined;
  const list = (k: string) => (o[k] as string[] | undefined) ?? [];

  for (const [key, flag] of Object.entries(NAMING_FLAGS)) {
    const v = str(key);
    if (v !== undefined && !v.trim()) throw new SetupError(`${flag} is empty${key === 'sov' ? ': name a Sovereign (tNN or an FQDN), or leave --sov out to walk the embedded simulated Sovereign' : ''}`);
  }
  const sovereign = str('sov') ? resolveSovereign(str('sov')!, str('tld')) : undefined;
  const targetKind = (str('target') as TargetKind | undefined) ?? (sovereign ? 'live' : 'sim');
  if (targetKind === 'live' && !sovereign) throw new SetupError('--target live needs --sov <tNN|fqdn>');
  if (targetKind !== 'live' && sovereign) throw new SetupError(`--sov names a live Sovereign; it cannot be combined with --target ${targetKind}`);
  if (targetKind !== 'sim' && list('simFault').length) throw new SetupError('--sim-fault is only for the simulated Sovereign (--target sim)');
  if (targetKind === 'sim' && list('kubeconfig').length) throw new SetupError('--kubeconfig is for kind and live targets; the simulated Sovereign writes its own');
  if (o.dryRun && targetKind !== 'kind') throw new SetupError('--dry-run is for --target kind (it prints the kind plan)');

  // A live Sovereign gets chaos only when asked for: by --suite, or by --allow-chaos.
  const defaultSuites = targetKind === 'live' && !o.allowChaos ? SUITES.filter((x) => x !== 'cutover' && x !== 'failover').join(',') : SUITES.join(',');
  const suites = (cmd.getOptionValueSource('suite') === 'cli' ? String(str('suite')) : defaultSuites).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = suites.filter((s) => !(SUITES as readonly string[]).includes(s));
  if (!suites.length || unknown.length) throw new SetupError(`unknown suite ${unknown.join(', ') || '(none given)'}; choose from ${SUITES.join(', ')}`);

  const kubeconfigs = list('kubeconfig').map((kv) => {
    const i = kv.indexOf('=');
    if (i <= 0 || i === kv.length - 1) throw new SetupError(`--kubeconfig ${JSON.stringify(kv)} must be <region>=<path>`);
    if (!REGION.test(kv.slice(0, i))) throw new SetupError(`--kubeconfig ${JSON.stringify(kv)}: the region must be a DNS label such as hz-fsn-rtz-prod (it becomes part of gate ids)`);
    return { region: kv.slice(0, i), path: kv.slice(i + 1) };
  });
  const dup = kubeconfigs.find((k, i) => kubeconfigs.findIndex((x) => x.region === k.region) !== i);
  if (dup) throw new SetupError(`--kubeconfig names region ${dup.region} twice`);
  for (const p of list('testSovPattern')) {
    try {
      new RegExp(p);
    } catch {
      throw new SetupError(`--test-sov-pattern ${JSON.stringify(p)} is not a valid regular expression`);
    }
  }
  const writeRate = parseCount('--write-rate', String(str('writeRate')));
  if (writeRate < 1 || writeRate > 2000) throw new SetupError('--write-rate must be between 1 and 2000 writes per second');
  // Checked here so a bad table stops the walk before a sim or a cluster is touched.
  const dodHosts = str('dodHosts');
  if (dodHosts) loadHttpsHosts(dodHosts);
  if (str('historyDir')?.trim() === '') throw new SetupError('--history-dir is empty: name a folder, or leave it out for <report-dir>/history');

  return {
    targetKind,
    sovereign,
    kubeconfigs,
    simFaults: list('simFault'),
    dryRun: Boolean(o.dryRun),
    kitGiven: cmd.getOptionValueSource('kit') === 'cli',
    resolve: list('resolve'),
    caFile: str('caFile'),
    pool: str('pool'),
    record: str('record'),
    mothershipUrl: str('mothershipUrl'),
    natsUrl: str('natsUrl'),
    hcloudSelector: str('hcloudSelector'),
    dbCaFile: str('dbCaFile'),
    slotDeadlineMs: str('slotDeadline') ? parseDuration('--slot-deadline', str('slotDeadline')!) : undefined,
    settleMs: str('settle') ? parseDuration('--settle', str('settle')!) : undefined,
    minNodes: str('minNodes') ? parseCount('--min-nodes', str('minNodes')!) : undefined,
    holdMs: str('hold') ? parseDuration('--hold', str('hold')!) : undefined,
    mailTimeoutMs: str('mailTimeout') ? parseDuration('--mail-timeout', str('mailTimeout')!) : undefined,
    options: {
      suites,
      kitPath: String(str('kit')),
      reportDir: String(str('reportDir')),
      json: Boolean(o.json),
      allowChaos: Boolean(o.allowChaos),
      testSovereignPatterns: list('testSovPattern'),
      cutoverMode: str('cutover') as WalkOptions['cutoverMode'],
      rtoMs: parseDuration('--rto', String(str('rto'))),
      rpo: parseCount('--rpo', String(str('rpo'))),
      writeRate,
      killMode: str('killMode'),
      k6Path: str('k6'),
      load: str('load') as WalkOptions['load'],
      operatorSession: Boolean(o.operatorSession),
      // On live these stay empty unless given; the live preflight derives them from the mailbox or refuses.
      operatorEmail: str('operatorEmail') ?? (targetKind === 'live' ? '' : SIM_OPERATOR_EMAIL),
      customerEmail: str('customerEmail') ?? (targetKind === 'live' ? '' : SIM_CUSTOMER_EMAIL),
      redeemLinkForm: str('redeemLink') as WalkOptions['redeemLinkForm'],
      regions: list('region'),
      dodHostsPath: dodHosts,
      historyDir: str('historyDir'),
    },
  };
}
