/**
 * The failover timeline (Vega-Lite, inline data): writes per 100 ms bucket of their send time,
 * stacked by what the client saw (acknowledged, unanswered until its own timeout, refused or reset,
 * answered with an error), with a rule for the kill, one for the promotion and an annotated
 * dashed rule per Continuum phase change. Time runs in seconds from the kill.
 */
import type { Timeline } from '../../gates/types.js';
import type { History, HistoryEvent } from '../../failover/history.js';
import { failureKind } from '../../failover/client-view.js';

export const BUCKET_MS = 100;
const WIDTH = 760;
const HEIGHT = 220;
const OUTCOME_COLORS = { acked: '#2f9e5b', unanswered: '#7a3db8', refused: '#d64545', answered: '#e8913a' } as const;
type Outcome = keyof typeof OUTCOME_COLORS;

interface Mark {
  t: number;
  label: string;
  kind: 'kill' | 'promoted' | 'phase';
  /** Pixel row of the label, so labels of close events do not overlap. */
  y: number;
}

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

function markOf(e: HistoryEvent): Omit<Mark, 't' | 'y'> | undefined {
  if (e.event === 'kill') return { kind: 'kill', label: `kill (${typeof e.actuator === 'string' ? e.actuator : 'region'})` };
  if (e.event === 'promoted') return { kind: 'promoted', label: 'promoted' };
  if (e.event === 'continuum-phase' && typeof e.phase === 'string' && e.previous !== null) return { kind: 'phase', label: `Continuum ${e.phase}` };
  return undefined;
}

export function failoverTimeline(history: History, opts: { id: string; title: string }): Timeline {
  const kill = history.events.find((e) => e.event === 'kill');
  const origin = kill?.at ?? Math.min(...history.writes.map((w) => w.sentAt), Date.now());
  // Stacked by hand, in OUTCOME_COLORS order: Vega-Lite does not stack bars that span x..x2.
  const buckets = new Map<number, Record<Outcome, number>>();
  for (const w of history.writes) {
    const start = Math.floor((w.sentAt - origin) / BUCKET_MS) * BUCKET_MS;
    const b = buckets.get(start) ?? { acked: 0, unanswered: 0, refused: 0, answered: 0 };
    b[w.ackAt !== null ? 'acked' : failureKind(w.error ?? '')]++;
    buckets.set(start, b);
  }
  const bars = [...buckets]
    .sort(([a], [b]) => a - b)
    .flatMap(([start, b]) => {
      let y0 = 0;
      return (Object.keys(OUTCOME_COLORS) as Outcome[]).map((outcome) => {
        const bar = { t: seconds(start), t2: seconds(start + BUCKET_MS), outcome, y0, y1: y0 + b[outcome], count: b[outcome] };
        y0 = bar.y1;
        return bar;
      });
    })
    .filter((bar) => bar.count > 0);
  // Head room above the tallest bar for the event labels.
  const yMax = Math.ceil(Math.max(1, ...bars.map((b) => b.y1)) * 1.45);
  const marks: Mark[] = [];
  for (const e of [...history.events].sort((a, b) => a.at - b.at)) {
    const m = markOf(e);
    if (m) marks.push({ ...m, t: seconds(e.at - origin), y: 10 + (marks.length % 4) * 14 });
  }
  const color = (kind: Mark['kind']): string => (kind === 'kill' ? '#b3261e' : kind === 'promoted' ? '#1b7f3b' : '#6b7785');

  const ruleLayer = (kind: Mark['kind'], dash: number[]) => ({
    data: { values: marks.filter((m) => m.kind === kind) },
    layer: [
      { mark: { type: 'rule', color: color(kind), strokeWidth: kind === 'phase' ? 1 : 2, strokeDash: dash }, encoding: { x: { field: 't', type: 'quantitative' } } },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: color(kind) },
        encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'y', type: 'quantitative', scale: null }, text: { field: 'label', type: 'nominal' } },
      },
    ],
  });

  return {
    id: opts.id,
    suite: 'failover',
    title: opts.title,
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: opts.title,
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          data: { values: bars },
          mark: { type: 'bar' },
          encoding: {
            x: { field: 't', type: 'quantitative', title: kill ? 'seconds from the kill' : 'seconds', axis: { tickMinStep: 1 } },
            x2: { field: 't2' },
            y: { field: 'y1', type: 'quantitative', title: `writes per ${BUCKET_MS} ms (by send time)`, scale: { domain: [0, yMax], nice: false } },
            y2: { field: 'y0' },
            color: { field: 'outcome', type: 'nominal', title: 'write', scale: { domain: Object.keys(OUTCOME_COLORS), range: Object.values(OUTCOME_COLORS) } },
            tooltip: [{ field: 't', title: 's' }, { field: 'outcome' }, { field: 'count' }],
          },
        },
        ruleLayer('phase', [4, 3]),
        ruleLayer('kill', []),
        ruleLayer('promoted', []),
      ],
    },
  };
}
