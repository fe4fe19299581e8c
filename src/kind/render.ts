/**
 * `--dry-run` output: the plan as one YAML stream, one document per step in execution order.
 * Commands appear as `# $ …` comment lines (shell-quoted, ready to paste); manifests and file
 * contents as the document body. Deterministic: same plan, same bytes.
 */
import { stringify } from 'yaml';
import type { SideService } from '../sidecars/side-service.js';
import { applyCommand, isCommandStep, isFileStep, isManifestStep, regionOf, type KindPlan, type KindStep } from './steps.js';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(argv: string[]): string {
  return argv.map((a) => (a !== '' && SAFE.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** YAML of a manifest as kubectl receives it (no anchors/aliases, no line folding). */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

function renderStep(plan: KindPlan, step: KindStep, index: number): string {
  const head = `# step ${index + 1}/${plan.steps.length}: ${step.description}\n`;
  if (isManifestStep(step)) {
    const kubeconfig = regionOf(plan, step.applyTo).kubeconfigPath;
    return `${head}# $ ${shellQuote(applyCommand(kubeconfig))}\n${toYaml(step.manifest)}`;
  }
  if (isCommandStep(step)) {
    const pipe = step.pipeTo ? ` | ${shellQuote(step.pipeTo)}` : '';
    const stdin = step.input ? '   # stdin: the document below' : '';
    const tolerate = step.tolerate ? `# (a failure whose stderr contains ${JSON.stringify(step.tolerate)} is ignored)\n` : '';
    return `${head}# $ ${shellQuote(step.command)}${pipe}${stdin}\n${tolerate}${step.input ? toYaml(step.input) : ''}`;
  }
  if (isFileStep(step)) return `${head}${toYaml({ file: step.file.path, content: step.file.content })}`;
  return `${head}# $ rm -rf ${shellQuote([step.remove])}\n`;
}

function renderSideService(service: SideService, index: number, count: number): string {
  const { ready } = service;
  return [
    `# side service ${index + 1}/${count}: ${service.name}, started by each \`npm run walk -- --target kind\` that walks journeys, through testcontainers:`,
    `# ready once GET ${ready.path} on port ${ready.port} answers ${ready.status} (within ${service.startupTimeoutMs / 1000} s); removed when the walk ends, by testcontainers' reaper (Ryuk) if the walk dies`,
    toYaml(service),
  ].join('\n');
}

export function renderKindDryRun(plan: KindPlan): string {
  const header = [
    `# sovereign-walk ${plan.title}`,
    `# ${plan.steps.length} steps${plan.sideServices.length ? ` and ${plan.sideServices.length} side service(s) the walk starts` : ''}; state folder ${plan.stateDir}`,
    ...plan.regions.map((r) => `# region ${r.name} (${r.role}): kubeconfig ${r.kubeconfigPath}, nodes ${r.nodes.join(', ')}`),
  ].join('\n');
  const steps = plan.steps.map((s, i) => `---\n${renderStep(plan, s, i)}`).join('');
  const services = plan.sideServices.map((s, i) => `---\n${renderSideService(s, i, plan.sideServices.length)}`).join('');
  return `${header}\n${steps}${services}`;
}
