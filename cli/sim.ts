/**
 * `npm run sim`: runs the simulated Sovereign until Ctrl-C, for poking at it with kubectl, curl
 * or a browser, or for walking it from another shell.
 */
import { readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../src/repo-root.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Kit } from '../src/kit/types.js';
import { resolveBinary } from '../sim/controlplane/assets.js';
import { MOTHERSHIP_HOSTS } from '../sim/world/mothership.js';
import { ALL_MODULES, describeFaultKinds, parseSimFaults, startSim, type SimModule } from '../sim/index.js';

const DEFAULT_KIT = join(REPO_ROOT, 'fixtures/bootstrap-kit-48.json');

function loadKit(path: string): Kit {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read kit ${path}: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || !Array.isArray((parsed as { slots?: unknown }).slots)) {
    throw new Error(`kit ${path} has no "slots" array`);
  }
  return parsed as Kit;
}

let launched = false;

function parseMs(v: string): number {
  const ms = Number(v);
  if (!Number.isInteger(ms) || ms <= 0) throw new InvalidArgumentError('a positive number of milliseconds');
  return ms;
}

/** Through a rename: whoever polls for the file never reads half of it. */
function writeAtomically(path: string, text: string, mode = 0o644): void {
  rmSync(`${path}.tmp`, { force: true });
  writeFileSync(`${path}.tmp`, text, { mode, flag: 'wx' });
  renameSync(`${path}.tmp`, path);
}

function removeWithEmptyFolder(file: string): void {
  rmSync(file, { force: true });
  try {
    rmdirSync(dirname(file));
  } catch {
    /* not empty, or gone */
  }
}

/** The variables the sim set in its own environment for the harness (the secrets the TargetSpec names, HCLOUD_ENDPOINT). */
function setByTheSim(before: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && before[e[0]] !== e[1]));
}

function parseModules(list: string): SimModule[] {
  const names = list.split(',').map((m) => m.trim()).filter(Boolean);
  const unknown = names.filter((m) => !(ALL_MODULES as string[]).includes(m));
  if (unknown.length) throw new Error(`unknown --modules ${unknown.join(',')} (known: ${ALL_MODULES.join(',')})`);
  return names as SimModule[];
}

async function main(): Promise<void> {
  const program = new Command()
    .name('npm run sim --')
    .description('Run the embedded Sovereign (two regions, each a real Kubernetes control plane with real Flux installing the kit; an HTTPS front door) until Ctrl-C.')
    .option('--kit <path>', 'bootstrap kit JSON', DEFAULT_KIT)
    .option('--sim-fault <kind:arg>', 'inject a fault (repeatable; kinds below)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--target-out <file>', 'also write the TargetSpec (JSON) to this file')
    .option('--modules <list>', `platform modules to run, comma-separated (${ALL_MODULES.join(',')})`, ALL_MODULES.join(','))
    .option('--settle-kit <ms>', 'report the Sovereign up only once its kit has settled in every region (at most <ms>), as a provisioned one is', (v: string) => parseMs(v))
    .addOption(new Option('--secrets-out <file>', 'write the variables the sim sets for the harness (secrets) to this file, mode 0600').hideHelp())
    .addOption(new Option('--launched', 'started by sim/process.ts: stop when stdin ends, no banner or progress lines').hideHelp())
    .addOption(new Option('--fault-kinds', 'list the fault kinds and exit (for `npm run walk -- --help`)').hideHelp())
    .addHelpText('after', () => `\nSim fault kinds:\n${describeFaultKinds()}\n`)
    .parse();
  const opts = program.opts<{ kit: string; simFault: string[]; targetOut?: string; modules: string; settleKit?: number; secretsOut?: string; launched?: boolean; faultKinds?: boolean }>();
  launched = opts.launched === true;
  if (opts.faultKinds) {
    process.stdout.write(`${describeFaultKinds()}\n`);
    return;
  }

  let kit: Kit;
  let faults;
  let modules: SimModule[];
  try {
    kit = loadKit(opts.kit);
    faults = parseSimFaults(opts.simFault, kit);
    modules = parseModules(opts.modules);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exit(2);
  }

  // The launcher's process holds our stdin open for as long as it lives: its end means nobody will stop us.
  let stop: ((why: string) => Promise<void>) | undefined;
  let orphaned = false;
  if (opts.launched) {
    process.stdin.once('end', () => {
      orphaned = true;
      void stop?.('the process that started the sim is gone');
    });
    process.stdin.resume();
  }

  const envBefore = { ...process.env };
  const sim = await startSim({ kit, faults, modules, ...(opts.settleKit ? { settleKitMs: opts.settleKit } : {}), ...(opts.launched ? {} : { log: (line: string) => process.stderr.write(`sim: ${line}\n`) }) });
  stop = async (why: string) => {
    if (!opts.launched) process.stdout.write(`\n${why}: stopping the sim…\n`);
    await sim.stop();
    // A launcher killed outright left its folder to us: what we wrote into it goes, then the folder if nothing else is there.
    if (orphaned) for (const file of [opts.secretsOut, opts.targetOut]) if (file) removeWithEmptyFolder(file);
    process.exit(0);
  };
  if (orphaned) return stop('the process that started the sim is gone');
  process.once('SIGINT', () => void stop?.('SIGINT'));
  process.once('SIGTERM', () => void stop?.('SIGTERM'));
  const { target } = sim;
  // Written before the TargetSpec: whoever sees the TargetSpec finds the secrets.
  if (opts.secretsOut) writeAtomically(opts.secretsOut, JSON.stringify(setByTheSim(envBefore)), 0o600);
  if (opts.targetOut) writeAtomically(opts.targetOut, `${JSON.stringify(target, null, 2)}\n`);
  if (opts.launched) return;
  const primary = target.regions.find((r) => r.role === 'primary') ?? target.regions[0];
  const { world } = sim.ctx;
  const port = world.frontDoor.port;
  const frontDoor = world.frontDoor.address;
  const net = world.networking.net;
  const kubectl = resolveBinary('kubectl');
  const lines = [
    `Embedded Sovereign ${target.sovereign} is up (${kit.slots.length} kit slots, installing through Flux${faults.length ? `; faults: ${faults.map((f) => (f.arg ? `${f.kind}:${f.arg}` : f.kind)).join(' ')}` : ''}).`,
    net
      ? `  network   regions are hosts of their own on ${net.subnet} (bridge ${net.bridge}); the world's services at ${net.world}; the mothership: ${MOTHERSHIP_HOSTS.map((h) => `${h} ${world.mothership.addressOf(h).address}`).join(', ')}`
      : `  network   the regions share loopback (${world.networking.reason})`,
    ...sim.ctx.regions.map((r) => [
      `  ${r.role.padEnd(9)} ${r.name}  API ${r.cp.server}${r.host ? `  host ${r.host.address} (ip netns exec ${r.host.netns})` : ''}`,
      `            kubeconfig ${r.cp.kubeconfigs.harness} (the harness's user)  admin ${r.cp.kubeconfigs.admin}`,
      `            processes ${[...r.cp.processes].map(([name, p]) => `${name}:${p.pid}`).join(' ')}${r.host ? ' (and every process of its namespace: ip netns pids)' : ''}`,
    ].join('\n')),
    `  HTTPS front door ${frontDoor}:${port} for *.${target.sovereign}, ${target.sovereign}, *.${target.poolDomain} (CA ${target.caFile})`,
    '',
    'Try:',
    `  ${kubectl} --kubeconfig ${primary.kubeconfigPath} get helmreleases -A`,
    `  kubectl --kubeconfig ${primary.kubeconfigPath} wait --for=condition=Ready hr/bp-cilium -n flux-system`,
    `  curl --cacert ${target.caFile} --connect-to console.${target.sovereign}:443:${frontDoor}:${port} https://console.${target.sovereign}/healthz`,
    '',
    'Ctrl-C stops every process of the Sovereign and removes its scratch directory.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  // Started by a launcher, the last line is the whole error: the launcher names it.
  process.stderr.write(launched ? `error: ${((e as Error)?.message ?? String(e)).split('\n')[0]}\n` : `error: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
