/**
 * Release sign-off on the walk history: it rests on the two newest walks of the Sovereign that
 * cover what the newest covers, names them by run id, and refuses unless both are green and no
 * gate they judged changed between passing and failing within its last `window` walks (a gate
 * that flipped is not green, even when it passed twice).
 */
import type { GateStatus } from '../gates/types.js';
import { gateObservations, passing } from './compare.js';
import { scopeName, walkRef, type HistoryEntry, type WalkRef } from './entry.js';

export const SIGNOFF_WINDOW = 5;

export interface SignoffVerdict {
  sovereign: string;
  signedOff: boolean;
  /** Older first. */
  walks: WalkRef[];
  window: number;
  flips: { id: string; walks: { runId: string; status: GateStatus }[] }[];
  problems: string[];
}

/** `entries`: the Sovereign's walks, newest first. */
export function judgeSignoff(sovereign: string, entries: HistoryEntry[], window = SIGNOFF_WINDOW): SignoffVerdict {
  const scope = entries[0] ? scopeName(entries[0].scope) : '';
  const pair = entries.filter((e) => scopeName(e.scope) === scope).slice(0, 2).reverse();
  const out: SignoffVerdict = { sovereign, signedOff: false, walks: pair.map(walkRef), window, flips: [], problems: [] };
  if (pair.length < 2) {
    out.problems.push(`the history holds ${pair.length} walk${pair.length === 1 ? '' : 's'} of ${sovereign}${scope ? ` covering ${scope}` : ''}; a sign-off needs two consecutive green walks`);
    return out;
  }
  for (const w of pair) {
    const bad = w.gates.filter((g) => !passing(g.status) && g.status !== 'skipped').length;
    if (w.verdict !== 'pass') out.problems.push(`walk ${w.runId} is not green (${bad ? `${bad} gates not passing` : 'no gate passed'})`);
  }
  const ids = new Set(pair.flatMap((w) => w.gates.map((g) => g.id)));
  for (const [id, seen] of gateObservations(entries)) {
    if (!ids.has(id)) continue;
    const recent = seen.slice(0, window).reverse();
    if (recent.some((o, i) => i > 0 && passing(o.status) !== passing(recent[i - 1].status))) out.flips.push({ id, walks: recent });
  }
  out.flips.sort((a, b) => a.id.localeCompare(b.id));
  out.signedOff = !out.problems.length && !out.flips.length;
  return out;
}

export function signoffMarkdown(v: SignoffVerdict): string {
  const runs = v.walks.map((w) => `\`${w.runId}\``).join(' and ');
  const icons = (walks: { status: GateStatus }[]) => walks.map((w) => (passing(w.status) ? '✅' : '❌')).join('');
  if (v.signedOff) {
    return `**SIGNED OFF** on the walk history: two consecutive GREEN walks of ${v.sovereign}, runs ${runs} (${v.walks[1].scope}); no gate changed state within its last ${v.window} walks.\n`;
  }
  const lines = [`**NOT SIGNED OFF** on the walk history of ${v.sovereign}${runs ? ` (runs ${runs})` : ''}:`, ''];
  for (const p of v.problems) lines.push(`- ${p}`);
  for (const f of v.flips) lines.push(`- \`${f.id}\` changed state within its last ${f.walks.length} walks ${icons(f.walks)} (runs ${f.walks[0].runId} … ${f.walks[f.walks.length - 1].runId}); a flip is not green`);
  return `${lines.join('\n')}\n`;
}
