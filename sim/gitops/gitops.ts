/**
 * A GitOps team's push to the Sovereign's repository: pending edits of releases and HelmRepository
 * URLs are committed, and every region's Flux is asked to reconcile now (the
 * `reconcile.fluxcd.io/requestedAt` annotation `flux reconcile` sets) instead of at its interval.
 */
import type { GitOps } from '../context.js';
import type { WorldApi } from '../kube-client/api.js';
import { GITREPOSITORY } from './flux-bootstrap.js';
import { repoFiles, type KitRepo, type RepoContent, type ReleaseEdit } from './kit-repo.js';

export function gitOps(repo: KitRepo, content: RepoContent, regions: { api: WorldApi }[]): GitOps {
  let pushing = Promise.resolve('');
  return {
    edit(slot: string, edit: ReleaseEdit) {
      content.edits.set(slot, { ...content.edits.get(slot), ...edit });
    },
    repositoryUrl(name: string, url: string) {
      content.repositoryUrls.set(name, url);
    },
    push(message: string) {
      pushing = pushing.then(async () => {
        const commit = await repo.commit(repoFiles(content), message);
        const at = new Date().toISOString();
        await Promise.all(regions.map(async ({ api }) => {
          const patch = { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': at } } };
          await api.mergePatch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: GITREPOSITORY, namespace: 'flux-system' } }, patch, { manager: 'flux-cli' });
          await api.mergePatch({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'bootstrap-kit', namespace: 'flux-system' } }, patch, { manager: 'flux-cli' });
        }));
        return commit;
      });
      return pushing;
    },
  };
}
