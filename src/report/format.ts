/** Small text helpers shared by the report renderers. */
import type { HoldAnnouncement } from './progress-protocol.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** XML 1.0 text: escapes markup and drops characters XML cannot carry. */
export function escapeXml(text: string): string {
  return escapeHtml(text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''));
}

/** The reports' one clock: `2026-11-22 21:06:05 UTC` (24-hour UTC, said so). */
export function formatTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC` : '—';
}

export function durationMs(startedAt: string, finishedAt: string): number {
  const d = Date.parse(finishedAt) - Date.parse(startedAt);
  return Number.isFinite(d) && d > 0 ? d : 0;
}

/** `850ms`, `12.3s`, `4m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A file-name-safe form of a gate or chart id (same rule as the gate recorder). */
export function slug(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** Natural order for ids such as `readiness/2-x` < `readiness/10-y`. */
export const naturalCompare = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** `holding <label> for 10m, until <eta>` when announced, `holding <label> — 9m left, ETA <eta>` after. */
export function describeHold(hold: HoldAnnouncement, nowMs: number, announced: boolean): string {
  const left = formatDuration(Math.max(0, hold.untilMs - nowMs));
  const what = hold.label ? `${hold.label} ` : '';
  const eta = new Date(hold.untilMs).toISOString();
  return announced ? `holding ${what}for ${left}, until ${eta}` : `holding ${what}— ${left} left, ETA ${eta}`;
}
