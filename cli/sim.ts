/**
 * `npm run sim`: runs the simulated Sovereign until Ctrl-C, for poking at it with kubectl, curl
 * or a browser, or for walking it from another shell.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { Kit } from '../src/kit/types.js';
import { describeFaultKinds, parseSimFaults, startSim } from '../sim/index.js';

const DEFAULT_KIT = fileURLToPath(new URL('../fixtures/bootstrap-kit-48.json', import.meta.url));

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

async function main(): Promise<void> {
  const program = new Command()
    .name('npm run sim --')
    .description('Run the simulated Sovereign (two regions, HTTPS front door) until Ctrl-C.')
    .option('--kit <path>', 'bootstrap kit JSON', DEFAULT_KIT)
    .option('--sim-fault <kind:arg>', 'inject a fault (repeatable; kinds below)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--target-out <file>', 'also write the TargetSpec (JSON) to this file')
    .addHelpText('after', () => `\nSim fault kinds:\n${describeFaultKinds()}\n`)
    .parse();
  const opts = program.opts<{ kit: string; simFault: string[]; targetOut?: string }>();

  let kit: Kit;
  let faults;
  try {
    kit = loadKit(opts.kit);
    faults = parseSimFaults(opts.simFault, kit);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exit(2);
  }

  const sim = await startSim({ kit, faults });
  const { target } = sim;
  if (opts.targetOut) writeFileSync(opts.targetOut, `${JSON.stringify(target, null, 2)}\n`);
  const primary = target.regions.find((r) => r.role === 'primary') ?? target.regions[0];
  const port = sim.ctx.web.port;
  const lines = [
    `Simulated Sovereign ${target.sovereign} is up (${kit.slots.length} kit slots${faults.length ? `, faults: ${faults.map((f) => (f.arg ? `${f.kind}:${f.arg}` : f.kind)).join(' ')}` : ''}).`,
    ...target.regions.map((r) => `  ${r.role.padEnd(9)} ${r.name}  kubeconfig ${r.kubeconfigPath}`),
    `  HTTPS front door 127.0.0.1:${port} for *.${target.sovereign}, ${target.sovereign}, *.${target.poolDomain} (CA ${target.caFile})`,
    '',
    'Try:',
    `  kubectl --kubeconfig ${primary.kubeconfigPath} get hr -A`,
    `  kubectl --kubeconfig ${primary.kubeconfigPath} wait --for=condition=Ready hr/bp-cilium -n flux-system`,
    `  curl --cacert ${target.caFile} --connect-to console.${target.sovereign}:443:127.0.0.1:${port} https://console.${target.sovereign}/healthz`,
    '',
    'Ctrl-C stops the sim and removes its scratch directory.',
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
