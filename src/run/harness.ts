/** What a suite holds while it runs: the region clients, the HTTP client and the evidence writer. */
import type { RunContext } from './context.js';
import { RegionClient } from '../target/kube.js';
import { HttpClient } from '../target/http.js';
import { EvidenceWriter, evidencePrefix } from '../evidence/writer.js';
import { registerSecretsFromEnv } from '../evidence/redact.js';
import { writeApiRequests } from '../gates/recorder.js';
import { apiRequestsOfThisProcess } from '../target/api-requests.js';

export class Harness {
  readonly regions: RegionClient[];
  readonly http: HttpClient;
  readonly evidence: EvidenceWriter;

  constructor(readonly ctx: RunContext) {
    registerSecretsFromEnv(Object.values(ctx.target.secretsEnv ?? {}));
    const wanted = ctx.options.regions;
    this.regions = ctx.target.regions.filter((r) => !wanted?.length || wanted.includes(r.name)).map((r) => new RegionClient(r));
    this.http = new HttpClient(ctx.target);
    this.evidence = new EvidenceWriter(ctx.runDir, evidencePrefix(ctx.target.name, ctx.target.sovereign));
    // Not final until close: a process that dies first leaves its counts marked partial.
    writeApiRequests(ctx.runDir, apiRequestsOfThisProcess(), false);
  }

  get primary(): RegionClient {
    return this.regions.find((r) => r.role === 'primary') ?? this.regions[0];
  }

  get sovereign(): string {
    return this.ctx.target.sovereign;
  }

  /** `https://<host>.<sov><path>`; `host` '' is the apex. */
  url(host: string, path = '/'): string {
    return `https://${host ? `${host}.` : ''}${this.sovereign}${path}`;
  }

  async close(): Promise<void> {
    await this.http.close();
    for (const r of this.regions) r.close();
    writeApiRequests(this.ctx.runDir, apiRequestsOfThisProcess(), true);
  }
}
