/**
 * Small kits cut from the canonical 48-slot kit for tests that need the embedded Sovereign but not
 * all of it: the named slots, their dependsOn pruned to the cut, written once per test process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kit } from '../../src/kit/types.js';

export const KIT_48 = fileURLToPath(new URL('../../fixtures/bootstrap-kit-48.json', import.meta.url));

export function kitOf(names: readonly string[], source = KIT_48): Kit {
  const full = JSON.parse(readFileSync(source, 'utf8')) as Kit;
  const missing = names.filter((n) => !full.slots.some((s) => s.name === n));
  if (missing.length) throw new Error(`no slot ${missing.join(', ')} in ${source}`);
  const slots = full.slots.filter((s) => names.includes(s.name)).map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => names.includes(d)) }));
  return { ...full, slots };
}

let dir: string | undefined;

/** The cut written to a file (for `--kit`), removed when the test process exits. */
export function kitFileOf(names: readonly string[], source = KIT_48): string {
  if (!dir) {
    const d = mkdtempSync(join(tmpdir(), 'sw-test-kits-'));
    dir = d;
    process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  const path = join(dir, `${names.join('+').replace(/[^a-z0-9+-]/gi, '_').slice(0, 120)}.json`);
  writeFileSync(path, JSON.stringify(kitOf(names, source), null, 1));
  return path;
}

/** Slots the journeys' chain needs: the Gateway (cilium) and the console, API and storefront (catalyst-platform). */
export const JOURNEY_SLOTS = ['bp-cilium', 'bp-catalyst-platform'] as const;
/** Slots whose products the DoD's public-host layer probes, with what they need. */
export const DOD_SLOTS = ['bp-cilium', 'bp-cert-manager', 'bp-flux', 'bp-cnpg', 'bp-keycloak', 'bp-gitea', 'bp-openbao', 'bp-powerdns', 'bp-seaweedfs', 'bp-harbor', 'bp-nats-jetstream', 'bp-catalyst-platform'] as const;
