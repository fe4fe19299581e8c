/**
 * The `--sim-fault kind[:arg]` registry. Each sim area registers the fault kinds it implements
 * (at module load, so `--help` lists them before any sim starts); specs are validated against
 * the registry and the kit before the sim starts.
 */
import type { Kit } from '../src/kit/types.js';
import type { SimFault } from './context.js';

export interface SimFaultKind {
  kind: string;
  /** One line for `--help`. */
  description: string;
  needsArg: boolean;
  /** Placeholder shown in `--help`, e.g. `<slot>` or `<ms>`. */
  argName?: string;
  /** Why `arg` is not acceptable for this kit, or undefined when it is. */
  validate?: (arg: string, kit: Kit) => string | undefined;
}

/** Every registered fault kind, in registration order (live: other areas append to it). */
export const SIM_FAULT_KINDS: SimFaultKind[] = [];

export function registerFaultKinds(kinds: readonly SimFaultKind[]): void {
  for (const k of kinds) {
    if (SIM_FAULT_KINDS.some((existing) => existing.kind === k.kind)) throw new Error(`sim fault kind "${k.kind}" is registered twice`);
    SIM_FAULT_KINDS.push(k);
  }
}

/** Validator for faults whose argument names a kit slot (`bp-cilium`). */
export function slotArg(arg: string, kit: Kit): string | undefined {
  if (kit.slots.some((s) => s.name === arg)) return undefined;
  return `"${arg}" is not a slot of the kit (e.g. ${kit.slots.slice(0, 3).map((s) => s.name).join(', ')})`;
}

/** Validator for faults whose argument is a positive number of milliseconds. */
export function millisArg(arg: string): string | undefined {
  return /^\d+$/.test(arg) && Number(arg) > 0 && Number(arg) <= 600_000 ? undefined : `"${arg}" is not a duration in milliseconds (1..600000)`;
}

/** `kind[:arg]` specs → faults; throws an Error with a one-line message on the first bad spec. */
export function parseSimFaults(specs: readonly string[], kit: Kit): SimFault[] {
  return specs.map((spec) => {
    const colon = spec.indexOf(':');
    const kind = colon < 0 ? spec : spec.slice(0, colon);
    const arg = colon < 0 ? undefined : spec.slice(colon + 1);
    const def = SIM_FAULT_KINDS.find((k) => k.kind === kind);
    if (!def) throw new Error(`unknown --sim-fault kind "${kind}" (known: ${SIM_FAULT_KINDS.map((k) => k.kind).join(', ')})`);
    if (def.needsArg && !arg) throw new Error(`--sim-fault ${kind} needs an argument: ${kind}:${def.argName ?? '<arg>'}`);
    if (!def.needsArg && arg !== undefined) throw new Error(`--sim-fault ${kind} takes no argument (got "${spec}")`);
    const problem = arg !== undefined ? def.validate?.(arg, kit) : undefined;
    if (problem) throw new Error(`--sim-fault ${spec}: ${problem}`);
    return arg === undefined ? { kind } : { kind, arg };
  });
}

/** `--help` text: one line per fault kind. */
export function describeFaultKinds(): string {
  const spec = (k: SimFaultKind) => (k.needsArg ? `${k.kind}:${k.argName ?? '<arg>'}` : k.kind);
  // Specs longer than this get their description on the next line, so one long spec does not indent them all.
  const width = Math.min(34, Math.max(0, ...SIM_FAULT_KINDS.map((k) => spec(k).length)));
  return SIM_FAULT_KINDS.map((k) => (spec(k).length > width ? `  ${spec(k)}\n  ${' '.repeat(width)}  ${k.description}` : `  ${spec(k).padEnd(width)}  ${k.description}`)).join('\n');
}
