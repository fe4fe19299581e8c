import { chmod, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  clusterName: string;
  server: string;
  caPem: string;
  token: string;
  /** Defaults to `<clusterName>-admin`. */
  user?: string;
  namespace?: string;
}

/** Writes a single-context kubeconfig (bearer token, embedded CA) with mode 0600. */
export async function writeKubeconfig(path: string, o: KubeconfigOptions): Promise<void> {
  const user = o.user ?? `${o.clusterName}-admin`;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: o.clusterName,
        cluster: { server: o.server, 'certificate-authority-data': Buffer.from(o.caPem).toString('base64') },
      },
    ],
    users: [{ name: user, user: { token: o.token } }],
    contexts: [
      {
        name: o.clusterName,
        context: { cluster: o.clusterName, user, ...(o.namespace ? { namespace: o.namespace } : {}) },
      },
    ],
    'current-context': o.clusterName,
    preferences: {},
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
  // writeFile's mode only applies when it creates the file.
  await chmod(path, 0o600);
}
