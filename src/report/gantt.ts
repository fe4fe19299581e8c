/** The readiness Gantt: one bar per readiness gate (startedAt → finishedAt), critical path outlined. */
import type { Gate, GateStatus } from '../gates/types.js';
import { durationMs, formatDuration } from './format.js';

export const STATUS_COLOR: Record<GateStatus, string> = {
  passed: '#2f9e5e',
  failed: '#d8434b',
  blocked: '#e8a33d',
  error: '#8c4fc4',
  skipped: '#a3adb8',
};

/** Layer names: vega gives each layer's marks the SVG class `<name>_marks`. */
export const GANTT_BARS = 'gantt_bars';
export const GANTT_CRITICAL = 'gantt_critical';

export function ganttSpec(gates: readonly Gate[], critical: readonly string[]): Record<string, unknown> {
  const times = gates.flatMap((g) => [Date.parse(g.startedAt), Date.parse(g.finishedAt)]).filter(Number.isFinite);
  const span = times.length ? Math.max(...times) - Math.min(...times) : 0;
  // Blocked gates and instant checks would be invisible at true length; give them a sliver.
  const minBar = Math.max(span * 0.004, 250);
  const ordered = [...gates].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || Date.parse(a.finishedAt) - Date.parse(b.finishedAt) || a.id.localeCompare(b.id, 'en', { numeric: true }));
  const onPath = new Set(critical);
  const values = ordered.map((g) => {
    const start = Date.parse(g.startedAt);
    const end = Math.max(Date.parse(g.finishedAt), start + minBar);
    const label = g.id.replace(/^readiness\//, '');
    const crit = onPath.has(g.id);
    return {
      gate: label,
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      status: g.status,
      critical: crit,
      description: `${g.id}: ${g.status}, ${formatDuration(durationMs(g.startedAt, g.finishedAt))}${crit ? ', critical path' : ''}`,
    };
  });
  const y = { field: 'gate', type: 'nominal', sort: values.map((v) => v.gate), title: null, axis: { labelLimit: 280, labelFontSize: 10.5 } };
  const x = { field: 'start', type: 'temporal', scale: { type: 'utc' }, title: 'time (UTC)', axis: { format: '%H:%M:%S', tickCount: 8 } };
  const statuses = Object.keys(STATUS_COLOR) as GateStatus[];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 1000,
    height: { step: 15 },
    data: { values },
    layer: [
      {
        name: GANTT_BARS,
        mark: { type: 'bar', cornerRadius: 2, height: { band: 0.72 } },
        encoding: {
          y,
          x,
          x2: { field: 'end' },
          color: { field: 'status', type: 'nominal', title: 'status', scale: { domain: statuses, range: statuses.map((s) => STATUS_COLOR[s]) } },
          description: { field: 'description' },
        },
      },
      {
        name: GANTT_CRITICAL,
        transform: [{ filter: 'datum.critical' }],
        mark: { type: 'bar', fillOpacity: 0, stroke: '#111820', strokeWidth: 2, cornerRadius: 2, height: { band: 0.95 } },
        encoding: { y, x, x2: { field: 'end' }, description: { field: 'description' } },
      },
    ],
  };
}
