/** A Helm chart packaged as `helm package` does: `<name>/…` files in a gzipped tar, byte-for-byte reproducible. */
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export interface ChartFiles {
  name: string;
  /** Path inside the chart folder → content. */
  files: Record<string, string>;
}

const EPOCH = new Date(0);

export async function packageChart(chart: ChartFiles): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    tar.on('data', (c: unknown) => { chunks.push(c as Buffer); });
    tar.on('end', () => resolve());
    tar.on('error', reject);
  });
  for (const path of Object.keys(chart.files).sort()) {
    tar.entry({ name: `${chart.name}/${path}`, mtime: EPOCH, mode: 0o644 }, chart.files[path]);
  }
  tar.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}
