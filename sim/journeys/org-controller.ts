/**
 * The Organization side of the sim (§5): provisioning mints an `orgs.openova.io/v1`
 * Organization (cluster-scoped) on the primary region when an order is placed, and the
 * organization-controller reconciles it over a few hundred milliseconds — vCluster, Keycloak
 * group, Gitea org, then Ready — writing status through the status subresource like a
 * controller would. Faults: `org-slow` (Ready only after 90 s), `org-failing` (vCluster Failed).
 */
import type { SimContext } from '../context.js';
import type { Informer, KubeObject } from '../kube-client/api.js';
import { condition } from '../operators/conditions.js';

export const ORG_API_VERSION = 'orgs.openova.io/v1';
export const ORG_KIND = 'Organization';

/** Delays (ms after creation) of the controller's status writes. */
const HEALTHY_STEPS = { start: 120, keycloak: 260, gitea: 400, ready: 560 };
const SLOW_READY_MS = 90_000;

export interface NewOrganization {
  slug: string;
  displayName: string;
  ownerEmail: string;
  parentDomain: string;
  product: string;
}

type Status = Record<string, unknown>;

export class OrganizationController {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The status the controller has written per slug, extended step by step. */
  private readonly statuses = new Map<string, Status>();

  private constructor(private readonly ctx: SimContext, private readonly orgs: Informer) {
    ctx.onStop(() => {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
    });
  }

  static async start(ctx: SimContext): Promise<OrganizationController> {
    return new OrganizationController(ctx, await ctx.informer(ctx.primary, ORG_API_VERSION, ORG_KIND));
  }

  get(slug: string): KubeObject | undefined {
    return this.orgs.get(undefined, slug);
  }

  list(): KubeObject[] {
    return this.orgs.list();
  }

  /** 'ready' | 'failed' | 'provisioning', as the provisioning API reports it. */
  phase(slug: string): 'ready' | 'failed' | 'provisioning' {
    const org = this.get(slug);
    if ((org?.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')) return 'ready';
    if ((org?.status as { vcluster?: { phase?: string } } | undefined)?.vcluster?.phase === 'Failed') return 'failed';
    return 'provisioning';
  }

  /** Provisioning mints the CR; the controller picks it up from there. */
  async create(org: NewOrganization): Promise<void> {
    await this.ctx.primary.api.apply({
      apiVersion: ORG_API_VERSION,
      kind: ORG_KIND,
      metadata: { name: org.slug, labels: { 'orgs.openova.io/slug': org.slug } },
      spec: {
        slug: org.slug,
        displayName: org.displayName,
        kind: 'customer',
        tier: 'org',
        billingMode: 'real',
        sovereignRef: this.ctx.sovereign,
        owners: [{ email: org.ownerEmail, role: 'owner' }],
        tenantPublic: { parentDomain: org.parentDomain, subdomain: org.slug, product: org.product },
      },
    }, 'provisioning');
    this.reconcile(org.slug);
  }

  private reconcile(slug: string): void {
    const failing = this.ctx.faultActive('org-failing');
    const slow = this.ctx.faultActive('org-slow');
    const ready = (o: KubeObject, status: 'True' | 'False', reason: string, message: string) => [condition(o, { type: 'Ready', status, reason, message })];
    this.after(HEALTHY_STEPS.start, slug, (o) => ({
      observedGeneration: o.metadata.generation,
      vcluster: { name: `vc-${slug}`, hostCluster: this.ctx.primary.name, phase: 'Provisioning' },
      conditions: ready(o, 'False', 'Reconciling', 'provisioning vCluster, Keycloak group and Gitea org'),
    }));
    if (failing) {
      this.after(HEALTHY_STEPS.gitea, slug, (o) => ({
        vcluster: { name: `vc-${slug}`, hostCluster: this.ctx.primary.name, phase: 'Failed' },
        conditions: ready(o, 'False', 'VClusterFailed', `vcluster vc-${slug} failed: etcd did not become ready`),
      }));
      return;
    }
    this.after(HEALTHY_STEPS.keycloak, slug, () => ({ keycloakGroup: { id: `kc-${slug}`, path: `/orgs/${slug}`, realm: 'sovereign' } }));
    this.after(HEALTHY_STEPS.gitea, slug, () => ({ giteaOrg: { name: slug, repos: [`${slug}/platform`] } }));
    this.after(slow ? SLOW_READY_MS : HEALTHY_STEPS.ready, slug, (o) => ({
      vcluster: { name: `vc-${slug}`, hostCluster: this.ctx.primary.name, phase: 'Ready' },
      conditions: ready(o, 'True', 'Reconciled', 'vCluster, Keycloak group and Gitea org are ready'),
    }));
  }

  /** After `ms`, writes the status so far plus `step` through the status subresource, as organization-controller does. */
  private after(ms: number, slug: string, step: (org: KubeObject) => Status): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      const org = this.get(slug) ?? ({ metadata: { name: slug, generation: 1 } } as KubeObject);
      const status = { ...this.statuses.get(slug), ...step(org) };
      this.statuses.set(slug, status);
      this.ctx.primary.api
        .applyStatus({ apiVersion: ORG_API_VERSION, kind: ORG_KIND, metadata: { name: slug }, status }, 'organization-controller')
        .catch((err: unknown) => process.stderr.write(`[sim] organization-controller ${slug}: ${(err as Error).message}\n`));
    }, ms);
    this.timers.add(t);
  }
}
