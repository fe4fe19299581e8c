import { chmod, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export type Credential = { token: string } | { certPem: string; keyPem: string };

export interface KubeconfigOptions {
  clusterName: string;
  server: string;
  caPem: string;
  user: string;
  credential: Credential;
}

/** Writes a single-context kubeconfig (embedded CA, bearer token or client certificate) with mode 0600. */
export async function writeKubeconfig(path: string, o: KubeconfigOptions): Promise<void> {
  const credential = 'token' in o.credential
    ? { token: o.credential.token }
    : {
        'client-certificate-data': Buffer.from(o.credential.certPem).toString('base64'),
        'client-key-data': Buffer.from(o.credential.keyPem).toString('base64'),
      };
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: o.clusterName, cluster: { server: o.server, 'certificate-authority-data': Buffer.from(o.caPem).toString('base64') } }],
    users: [{ name: o.user, user: credential }],
    contexts: [{ name: o.clusterName, context: { cluster: o.clusterName, user: o.user } }],
    'current-context': o.clusterName,
    preferences: {},
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
  // writeFile's mode only applies when it creates the file.
  await chmod(path, 0o600);
}
