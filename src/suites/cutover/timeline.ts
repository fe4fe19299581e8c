/** The hold as a Vega-Lite timeline (rendered to SVG by the HTML report): the block as a bar, events as points. */
import type { Timeline } from '../../gates/types.js';
import { SUITE } from './constants.js';

export interface TimelineEvent {
  lane: string;
  label: string;
  at: number;
  /** A span (the hold itself) rather than an instant. */
  end?: number;
}

export function holdTimeline(events: readonly TimelineEvent[], mode: string): Timeline {
  const values = events.map((e) => ({ lane: e.lane, label: e.label, at: new Date(e.at).toISOString(), ...(e.end !== undefined ? { end: new Date(e.end).toISOString() } : {}) }));
  return {
    id: `${SUITE}/hold`,
    suite: SUITE,
    title: `cutover hold (${mode}): egress block, Ready flips, probes`,
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 720,
      data: { values },
      encoding: {
        y: { field: 'lane', type: 'nominal', title: null, sort: ['egress block', 'Ready lost', 'image pull', 'forced reconcile', 'call-home', 'fresh pull'] },
        tooltip: [{ field: 'label' }, { field: 'at', type: 'temporal', timeUnit: 'utchoursminutesseconds' }],
      },
      layer: [
        { transform: [{ filter: 'datum.end' }], mark: { type: 'bar', height: 10, color: '#9ecae1' }, encoding: { x: { field: 'at', type: 'temporal', title: 'time (UTC)' }, x2: { field: 'end' } } },
        { transform: [{ filter: '!datum.end' }], mark: { type: 'point', filled: true, size: 70 }, encoding: { x: { field: 'at', type: 'temporal' }, color: { field: 'lane', type: 'nominal', legend: null } } },
      ],
    },
  };
}
