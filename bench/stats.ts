/** Pure figures for the bench: medians, percentiles, trend slopes and how they are printed. */

export interface Point {
  /** x, e.g. seconds since the hold began. */
  x: number;
  y: number;
}

/** Median of the values (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile, `p` in 0..1; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile p must be within 0..1, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Gaps between consecutive values (the values sorted first). */
export function gaps(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.slice(1).map((v, i) => v - sorted[i]);
}

/** Least-squares slope dy/dx; NaN with fewer than two distinct x. */
export function slope(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

/** `baseline / measured`: how many times faster `measured` is than `baseline`. */
export function speedup(baselineMs: number, measuredMs: number): number {
  if (!(baselineMs > 0) || !(measuredMs > 0)) return Number.NaN;
  return baselineMs / measuredMs;
}

/** `23.4×` (one decimal below 100, whole above); `n/a` when not a finite positive number. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio) || ratio <= 0) return 'n/a';
  return ratio >= 100 ? `${Math.round(ratio)}×` : `${ratio.toFixed(1)}×`;
}

/** `850 ms`, `12.3 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return Math.abs(ms) >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** `+1.25 MB/min` / `-0.40 MB/min`. */
export function formatSlope(mbPerMin: number): string {
  if (!Number.isFinite(mbPerMin)) return 'n/a';
  return `${mbPerMin >= 0 ? '+' : ''}${mbPerMin.toFixed(2)} MB/min`;
}

/** Rounded to `digits` decimals (for the JSON report). */
export function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export const MB = 1024 * 1024;
