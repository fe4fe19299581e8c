/**
 * Vega-Lite specifications of the history page: every gate's status across the stored walks
 * (one column per walk, oldest left) and the trend of the walk-level figures.
 */
import type { HistoryEntry } from './entry.js';
import { scopeName } from './entry.js';
import { describeFigure } from './figures.js';
import { STATUS_COLOR } from '../report/gantt.js';

/** `03 · 11-22 10:00`: sorts like the walks and reads like a date. */
function walkLabels(walks: HistoryEntry[]): string[] {
  const width = String(walks.length).length;
  return walks.map((w, i) => `${String(i + 1).padStart(width, '0')} · ${w.startedAt.slice(5, 16).replace('T', ' ')}`);
}

/** `walks` oldest first. */
export function gateTimelineSpec(walks: HistoryEntry[]): Record<string, unknown> {
  const labels = walkLabels(walks);
  const values = walks.flatMap((w, i) => w.gates.map((g) => ({ walk: labels[i], run: w.runId, scope: scopeName(w.scope), gate: g.id, status: g.status })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    width: { step: 18 },
    height: { step: 14 },
    mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1 },
    encoding: {
      x: { field: 'walk', type: 'ordinal', title: 'walk (oldest left)', axis: { labelAngle: -60, orient: 'top' } },
      y: { field: 'gate', type: 'nominal', title: null, axis: { labelLimit: 360 } },
      color: { field: 'status', type: 'nominal', title: 'status', scale: { domain: Object.keys(STATUS_COLOR), range: Object.values(STATUS_COLOR) } },
    },
  };
}

/** RTO, RPO, hold and walk times over the walks; undefined when no walk has one. */
export function figureTrendSpec(walks: HistoryEntry[]): Record<string, unknown> | undefined {
  const labels = walkLabels(walks);
  const values = walks.flatMap((w, i) =>
    w.figures
      .filter((f) => !f.key.startsWith('ready:'))
      .map((f) => {
        const { label, unit } = describeFigure(f.key);
        return { walk: labels[i], figure: `${label} (${unit === 'ms' ? 's' : 'writes'})`, value: unit === 'ms' ? f.value / 1000 : f.value };
      }),
  );
  if (!values.length) return undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { row: { field: 'figure', type: 'nominal', title: null, header: { labelOrient: 'top', labelAngle: 0, labelAnchor: 'start', labelFontWeight: 600 } } },
    spec: {
      width: Math.max(240, 18 * walks.length),
      height: 70,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'walk', type: 'ordinal', title: null, scale: { domain: labels }, axis: { labelAngle: -60 } },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false }, axis: { format: '~g', tickCount: 3 } },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}
