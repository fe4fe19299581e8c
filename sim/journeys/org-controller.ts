/**
 * The Organization side of the sim (§5): provisioning mints an `orgs.openova.io/v1`
 * Organization (cluster-scoped) on the primary region when an order is placed, and the
 * organization-controller reconciles it over a few hundred milliseconds — vCluster, Keycloak
 * group, Gitea org, then Ready — writing status through the status subresource like a
 * controller would. Faults: `org-slow` (Ready only after 90 s), `org-failing` (vCluster Failed).
 */
import type { KubeObject, ObjectStore } from '../kube/index.js';
import type { SimContext } from '../context.js';
import { getCondition, setCondition, statusOf, writeStatus } from '../runtime/objects.js';

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

export class OrganizationController {
  private readonly store: ObjectStore;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly ctx: SimContext) {
    this.store = ctx.primary.store;
    // The world serves the CRD (sim/resources.ts); this module only writes objects of it.
    if (!this.store.typeFor(ORG_API_VERSION, ORG_KIND)) throw new Error(`the sim does not serve ${ORG_KIND} (${ORG_API_VERSION})`);
    ctx.onStop(() => {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
    });
  }

  get(slug: string): KubeObject | undefined {
    return this.store.get(ORG_API_VERSION, ORG_KIND, undefined, slug);
  }

  /** 'ready' | 'failed' | 'provisioning', as the provisioning API reports it. */
  phase(slug: string): 'ready' | 'failed' | 'provisioning' {
    const org = this.get(slug);
    if (getCondition(org, 'Ready')?.status === 'True') return 'ready';
    if ((org?.status as { vcluster?: { phase?: string } } | undefined)?.vcluster?.phase === 'Failed') return 'failed';
    return 'provisioning';
  }

  /** Provisioning mints the CR; the controller picks it up from there. */
  create(org: NewOrganization): void {
    this.store.create(
      ({
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
      } as Omit<KubeObject, 'metadata'> & { metadata: Partial<KubeObject['metadata']> }) as KubeObject,
      'provisioning',
    );
    this.reconcile(org.slug);
  }

  private reconcile(slug: string): void {
    const failing = this.ctx.faultActive('org-failing');
    const slow = this.ctx.faultActive('org-slow');
    this.after(HEALTHY_STEPS.start, slug, (o, s) => {
      s.observedGeneration = o.metadata.generation;
      s.vcluster = { name: `vc-${slug}`, hostCluster: this.ctx.primary.name, phase: 'Provisioning' };
      setCondition(o, { type: 'Ready', status: 'False', reason: 'Reconciling', message: 'provisioning vCluster, Keycloak group and Gitea org' });
    });
    if (failing) {
      this.after(HEALTHY_STEPS.gitea, slug, (o, s) => {
        s.vcluster = { name: `vc-${slug}`, hostCluster: this.ctx.primary.name, phase: 'Failed' };
        setCondition(o, { type: 'Ready', status: 'False', reason: 'VClusterFailed', message: `vcluster vc-${slug} failed: etcd did not become ready` });
      });
      return;
    }
    this.after(HEALTHY_STEPS.keycloak, slug, (_o, s) => {
      s.keycloakGroup = { id: `kc-${slug}`, path: `/orgs/${slug}`, realm: 'sovereign' };
    });
    this.after(HEALTHY_STEPS.gitea, slug, (_o, s) => {
      s.giteaOrg = { name: slug, repos: [`${slug}/platform`] };
    });
    this.after(slow ? SLOW_READY_MS : HEALTHY_STEPS.ready, slug, (o, s) => {
      s.vcluster = { name: `vc-${slug}`, hostCluster: this.ctx.primary.name, phase: 'Ready' };
      setCondition(o, { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'vCluster, Keycloak group and Gitea org are ready' });
    });
  }

  private after(ms: number, slug: string, mutate: (org: KubeObject, status: Record<string, unknown>) => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      writeStatus(this.store, { apiVersion: ORG_API_VERSION, kind: ORG_KIND, metadata: { name: slug } as KubeObject['metadata'] }, 'organization-controller', (o) =>
        mutate(o, statusOf(o)),
      );
    }, ms);
    this.timers.add(t);
  }
}
