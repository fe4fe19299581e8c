/** The journey as a Vega-Lite timeline for the HTML report: hops as bars, cluster and bus events as points. */
import type { Gate, Timeline } from '../../gates/types.js';
import type { JourneySession } from './session.js';

interface Row {
  lane: string;
  label: string;
  status?: string;
  at: string;
  end?: string;
}

export function journeyTimeline(s: JourneySession, gates: Gate[]): Timeline {
  const hops: Row[] = gates
    .filter((g) => g.status !== 'blocked')
    .map((g) => ({ lane: g.id.replace(/^journeys\//, ''), label: `${g.status}: ${g.reason}`, status: g.status, at: g.startedAt, end: g.finishedAt }));
  const org: Row[] = s.orgWatch.eventsFor(s.state.slug).map((e) => ({
    lane: 'Organization (watch)',
    label: `${e.type} vcluster=${e.snapshot.vclusterPhase ?? '-'} Ready=${e.snapshot.ready?.status ?? '-'}`,
    at: new Date(e.receivedAtMs).toISOString(),
  }));
  const bus: Row[] = (s.state.tap?.events() ?? []).map((e) => ({ lane: 'catalyst.> (JetStream)', label: e.subject, at: new Date(e.storedAtMs).toISOString() }));
  const lanes = [...new Set([...hops, ...org, ...bus].map((r) => r.lane))];
  return {
    id: 'journeys/flow',
    suite: 'journeys',
    title: 'journey hops, Organization watch events and catalyst events',
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 720,
      data: { values: [...hops, ...org, ...bus] },
      encoding: {
        y: { field: 'lane', type: 'nominal', title: null, sort: lanes },
        tooltip: [{ field: 'label' }, { field: 'at', type: 'temporal', timeUnit: 'utchoursminutesseconds' }],
      },
      layer: [
        {
          transform: [{ filter: 'datum.end' }],
          mark: { type: 'bar', height: 10 },
          encoding: {
            x: { field: 'at', type: 'temporal', title: 'time (UTC)' },
            x2: { field: 'end' },
            color: { field: 'status', type: 'nominal', scale: { domain: ['passed', 'failed', 'error'], range: ['#74c476', '#de2d26', '#fd8d3c'] }, legend: null },
          },
        },
        { transform: [{ filter: '!datum.end' }], mark: { type: 'point', filled: true, size: 60, color: '#3182bd' }, encoding: { x: { field: 'at', type: 'temporal' } } },
      ],
    },
  };
}
