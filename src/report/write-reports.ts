/**
 * Every report of a run, from its Summary: summary.json, summary.md, junit.xml, index.html,
 * charts/*.svg and the Allure metadata. Every text passes through `redact()` on its way out.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from '../gates/types.js';
import { redact, redactJson } from '../evidence/redact.js';
import { renderVegaLite } from './charts.js';
import { criticalPath } from './critical-path.js';
import { ganttSpec } from './gantt.js';
import { renderHtml, type HtmlCharts, type RenderedChart } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { writeAllureMeta } from './allure-meta.js';
import { slug } from './format.js';
import { runLinks } from './run-dirs.js';
import { latestProof } from '../prove/latest.js';

export { buildSummary, type SummaryInput } from './summary.js';
export { renderTerminalSummary } from './terminal.js';

/** The readiness Gantt is written as this chart id. */
export const GANTT_ID = 'readiness-gantt';

async function render(spec: Record<string, unknown>): Promise<RenderedChart> {
  try {
    return { svg: redact(await renderVegaLite(spec)) };
  } catch (e) {
    return { error: redact(e instanceof Error ? e.message : String(e)) };
  }
}

export async function writeReports(runDir: string, input: Summary): Promise<{ files: string[] }> {
  const summary = redactJson(input);
  const files: string[] = [];
  const write = (rel: string, text: string) => {
    const path = join(runDir, rel);
    writeFileSync(path, redact(text));
    files.push(path);
  };
  mkdirSync(join(runDir, 'charts'), { recursive: true });

  const readiness = summary.gates.filter((g) => g.suite === 'readiness');
  let gantt: HtmlCharts['gantt'];
  if (readiness.length) {
    const critical = criticalPath(readiness);
    gantt = { ...(await render(ganttSpec(readiness, critical))), critical };
    if (gantt.svg) write(`charts/${GANTT_ID}.svg`, gantt.svg);
  }
  const timelines: HtmlCharts['timelines'] = [];
  for (const t of summary.timelines) {
    const rendered = await render(t.vegaLite);
    const svgPath = rendered.svg ? `charts/${slug(t.id)}.svg` : undefined;
    if (rendered.svg && svgPath) write(svgPath, rendered.svg);
    t.svgPath = svgPath;
    timelines.push({ ...rendered, timeline: t });
  }

  write('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
  const links = runLinks(runDir);
  write('summary.md', renderMarkdown(summary, links));
  write('junit.xml', renderJunit(summary));
  write('index.html', renderHtml(summary, { gantt, timelines }, links, latestProof(runDir, summary.tool.version)));
  files.push(...writeAllureMeta(runDir, summary));
  return { files };
}
