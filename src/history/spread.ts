/**
 * "Moved beyond its recent spread": a robust test that one slow night cannot skew. The baseline
 * is the median of the figure's last FIGURE_WINDOW earlier values and their median absolute
 * deviation (MAD, scaled by 1.4826 to estimate a standard deviation); a value is beyond it when
 * it is more than SPREAD_K scaled MADs from the median. Identical walks have a MAD of 0, so the
 * distance must also exceed a floor: REL_FLOOR of the median and an absolute floor per unit
 * (1 s; half a write, so any lost write stands out against a history of none).
 */
import { median, medianAbsoluteDeviation } from 'simple-statistics';
import type { FigureUnit } from './figures.js';

const FIGURE_WINDOW = 7;
export const MIN_SAMPLES = 4;
const SPREAD_K = 3;
const REL_FLOOR = 0.25;
const ABS_FLOOR: Record<FigureUnit, number> = { ms: 1000, writes: 0.5 };
const MAD_TO_SIGMA = 1.4826;

export interface Spread {
  median: number;
  mad: number;
  samples: number;
  /** How far from the median a value may be and still be within the spread. */
  tolerance: number;
}

/** The baseline of `samples` (newest first, only the first FIGURE_WINDOW count); undefined below MIN_SAMPLES. */
export function spreadOf(samples: number[], unit: FigureUnit): Spread | undefined {
  const recent = samples.slice(0, FIGURE_WINDOW);
  if (recent.length < MIN_SAMPLES) return undefined;
  const m = median(recent);
  const mad = medianAbsoluteDeviation(recent);
  return { median: m, mad, samples: recent.length, tolerance: Math.max(SPREAD_K * MAD_TO_SIGMA * mad, REL_FLOOR * Math.abs(m), ABS_FLOOR[unit]) };
}

export function beyond(value: number, spread: Spread): boolean {
  return Math.abs(value - spread.median) > spread.tolerance;
}
