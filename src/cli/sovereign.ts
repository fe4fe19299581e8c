/** `--sov t38` → `t38.omani.works`; the domain canon's forbidden domains are refused. */
import { SetupError } from '../target/errors.js';

export const DEFAULT_TLD = 'omani.works';

const FORBIDDEN = [/(^|\.)openova\.io$/i, /(^|\.)eventforge\.io$/i];
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function resolveSovereign(sov: string, tld = DEFAULT_TLD): string {
  const name = sov.trim().toLowerCase().replace(/\.$/, '');
  const fqdn = name.includes('.') ? name : `${name}.${tld.toLowerCase()}`;
  const labels = fqdn.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || fqdn.length > 253) {
    throw new SetupError(`--sov ${JSON.stringify(sov)} is not a Sovereign name (tNN) or FQDN`);
  }
  if (FORBIDDEN.some((re) => re.test(fqdn))) {
    throw new SetupError(`--sov ${fqdn} is forbidden by the domain canon (openova.io, omantel.openova.io and eventforge.io are mothership/partner domains, never a Sovereign)`);
  }
  return fqdn;
}
