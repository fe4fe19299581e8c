/** Recognising mothership references in URLs, image references and free-text values. */
import { MOTHERSHIP_DOMAIN } from './constants.js';

const HOST_REFS: { ref: string; re: RegExp }[] = [
  { ref: 'github.com', re: /(^|[^a-z0-9.-])((?:[a-z0-9-]+\.)*github\.com)(?=[/:@]|$)/i },
  { ref: 'ghcr.io/openova-io', re: /(^|[^a-z0-9.-])ghcr\.io\/openova-io(?=[/:@]|$)/i },
  { ref: 'harbor.openova.io', re: /(^|[^a-z0-9.-])harbor\.openova\.io(?=[/:@]|$)/i },
  { ref: 'xpkg.upbound.io', re: /(^|[^a-z0-9.-])xpkg\.upbound\.io(?=[/:@]|$)/i },
  { ref: 'console.openova.io', re: /(^|[^a-z0-9.-])console\.openova\.io(?=[/:@]|$)/i },
];

/** The mothership reference `value` contains (`github.com`, `ghcr.io/openova-io` …), if any. */
export function mothershipRef(value: string): string | undefined {
  return HOST_REFS.find((r) => r.re.test(value))?.ref;
}

/** Any `*.openova.io` host in `value` (the SMTP relay is mail.openova.io). */
export function openovaHost(value: string): string | undefined {
  const m = new RegExp(`(?:^|[^a-z0-9.-])((?:[a-z0-9-]+\\.)*${MOTHERSHIP_DOMAIN.replace('.', '\\.')})(?=[/:@]|$)`, 'i').exec(value);
  return m?.[1]?.toLowerCase();
}

/** The registry host of an image reference (`nginx` → docker.io). */
export function imageRegistry(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first.toLowerCase() : 'docker.io';
}
