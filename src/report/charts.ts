/**
 * Vega-Lite → SVG on the server (vega's `renderer: 'none'` headless view needs no canvas), so
 * the HTML report inlines finished SVG and opens offline without any chart library.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';

/** The report's chart look; a spec's own `config` wins over it. */
export const CHART_CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  background: '#ffffff',
  padding: 8,
  view: { stroke: null },
  axis: { labelColor: '#44505c', titleColor: '#27313b', gridColor: '#e8ecf0', domainColor: '#b8c1ca', tickColor: '#b8c1ca', labelFontSize: 11, titleFontSize: 11 },
  legend: { labelColor: '#44505c', titleColor: '#27313b', labelFontSize: 11, titleFontSize: 11, orient: 'top' },
  title: { color: '#1d2731', fontSize: 13, anchor: 'start' },
} as const;

/** Charts carry inline data only: a spec that asks to load data from anywhere is refused. */
const offlineLoader: vega.Loader = {
  ...vega.loader(),
  load: (uri: string) => Promise.reject(new Error(`chart data must be inline, refusing to load ${uri}`)),
  http: (uri: string) => Promise.reject(new Error(`chart data must be inline, refusing to fetch ${uri}`)),
  file: (name: string) => Promise.reject(new Error(`chart data must be inline, refusing to read ${name}`)),
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The report's one clock: 24-hour UTC, the same as every timestamp in the reports. */
export const CHART_TIME_FORMAT = '%H:%M:%S';

/**
 * Every temporal encoding on the report's clock, whatever the spec asked for: vega otherwise
 * draws local time (the renderer's time zone) with a 12-hour clock (`09:06` for 21:06 UTC).
 */
export function onUtcClock(spec: unknown): unknown {
  if (Array.isArray(spec)) return spec.map(onUtcClock);
  if (!isRecord(spec)) return spec;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) out[k] = k === 'encoding' && isRecord(v) ? Object.fromEntries(Object.entries(v).map(([c, d]) => [c, c === 'x' || c === 'y' ? utcAxis(d) : d])) : onUtcClock(v);
  return out;
}

function utcAxis(channel: unknown): unknown {
  if (!isRecord(channel) || channel.type !== 'temporal') return channel;
  const out: Record<string, unknown> = { ...channel, scale: { ...(isRecord(channel.scale) ? channel.scale : {}), type: 'utc' } };
  if (typeof channel.timeUnit === 'string' && !channel.timeUnit.startsWith('utc')) out.timeUnit = `utc${channel.timeUnit}`;
  return channel.axis === null ? out : { ...out, axis: { ...(isRecord(channel.axis) ? channel.axis : {}), format: CHART_TIME_FORMAT } };
}

export async function renderVegaLite(spec: Record<string, unknown>): Promise<string> {
  const own = isRecord(spec.config) ? spec.config : {};
  const withConfig = onUtcClock({ ...spec, config: { ...CHART_CONFIG, ...own } }) as vl.TopLevelSpec;
  const compiled = vl.compile(withConfig, { logger: quietLogger() }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: offlineLoader, logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Vega-Lite warns on stdout/stderr by default; chart warnings must not clutter the walk's output. */
function quietLogger(): vega.LoggerInterface {
  return vega.logger(vega.None);
}
