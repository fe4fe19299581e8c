/**
 * `npm run sim`: runs the simulated Sovereign until Ctrl-C, for poking at it with kubectl, curl
 * or a browser, or for walking it from another shell.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/repo-root.js';
import { Command } from 'commander';
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
    .addHelpText('after', () => `\nSim fault kinds:\n${describeFaultKinds()}\n`)
    .parse();
  const opts = program.opts<{ kit: string; simFault: string[]; targetOut?: string; modules: string }>();

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

  const sim = await startSim({ kit, faults, modules, log: (line) => process.stderr.write(`sim: ${line}\n`) });
  const { target } = sim;
  if (opts.targetOut) {
    // Through a rename: whoever polls for the file never reads half of it.
    writeFileSync(`${opts.targetOut}.tmp`, `${JSON.stringify(target, null, 2)}\n`);
    renameSync(`${opts.targetOut}.tmp`, opts.targetOut);
  }
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

  const stop = async (signal: string) => {
    process.stdout.write(`\n${signal}: stopping the sim…\n`);
    await sim.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
