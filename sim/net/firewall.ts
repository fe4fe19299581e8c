/**
 * A region's firewall (its nftables table): the Services' DNAT its kube-proxy keeps and the egress
 * drops its policy agent compiles, applied together, debounced, one transaction at a time.
 */
import { applyRuleset, listRuleset, ruleset, type EgressDrop, type ServiceRule } from './nft.js';

export class RegionFirewall {
  private services: ServiceRule[] = [];
  private drops: EgressDrop[] = [];
  private applying = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private applied = '';

  constructor(readonly netns: string, private readonly onError: (err: unknown) => void) {}

  setServices(rules: ServiceRule[]): void {
    this.services = rules;
    this.schedule();
  }

  setDrops(drops: EgressDrop[]): void {
    this.drops = drops;
    this.schedule();
  }

  /** Resolves once what was set so far is in the kernel. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const text = ruleset(this.services, this.drops);
    this.applying = this.applying.then(async () => {
      if (text === this.applied) return;
      await applyRuleset(this.netns, text);
      this.applied = text;
    }).catch(this.onError);
    await this.applying;
  }

  /** The table as the kernel holds it, with its counters. */
  list(): Promise<string> {
    return listRuleset(this.netns);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), 50);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
