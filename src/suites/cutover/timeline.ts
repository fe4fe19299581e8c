/** The hold as a Vega-Lite timeline (rendered to SVG by the HTML report): the block as a bar, events as points. */
import type { Timeline } from '../../gates/types.js';
import { SUITE } from './constants.js';

export interface TimelineEvent {
  lane: string;
  label: string;
  at: number;
  /** A span (the hold itself) rather than an instant. */
  end?: number;
  /** Whether the event is what a passing hold expects; absent for plain facts (policy applied). */
  ok?: boolean;
}

/** Point colours: green as expected, red a problem, grey a fact; the legend says which. */
const OUTCOMES = { 'as expected': '#2f9e5e', problem: '#d8434b', event: '#6b7785' } as const;
const outcomeOf = (e: TimelineEvent): keyof typeof OUTCOMES => (e.ok === undefined ? 'event' : e.ok ? 'as expected' : 'problem');

export function holdTimeline(events: readonly TimelineEvent[], mode: string): Timeline {
  const values = events.map((e) => ({ lane: e.lane, label: e.label, outcome: outcomeOf(e), at: new Date(e.at).toISOString(), ...(e.end !== undefined ? { end: new Date(e.end).toISOString() } : {}) }));
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
        { transform: [{ filter: '!datum.end' }], mark: { type: 'point', filled: true, size: 70 }, encoding: { x: { field: 'at', type: 'temporal' }, color: { field: 'outcome', type: 'nominal', title: 'event', scale: { domain: Object.keys(OUTCOMES), range: Object.values(OUTCOMES) } } } },
      ],
    },
  };
}
