/**
 * A container of a pod the host runtime runs: the command runs on this host's userland (sh, curl,
 * coreutils; kubectl on PATH) in a mount namespace of its own that mounts what a kubelet mounts
 * into a container: /dev/termination-log, the ServiceAccount volume at
 * /var/run/secrets/kubernetes.io/serviceaccount, and the world's roots as the image's CA bundle.
 * Its network is the region's egress path (HTTPS_PROXY under the pod's identity), not a network
 * namespace: a connection the region's policies drop is never answered.
 */
import { spawnGroup, type GroupProcess } from '../host/processes.js';
import type { Ownership } from '../host/ownership.js';

const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** Runs as root in the new mount namespace; `$1` is the pod's directory, `$2` the container's termination log, the rest the command. */
const MOUNTS = [
  'set -eu',
  'd=$1; log=$2; shift 2',
  'mkdir -p "$d/.host-dev"',
  'mount --rbind /dev "$d/.host-dev"',
  'mount -t tmpfs -o mode=0755,nosuid tmpfs /dev',
  'for n in null zero full random urandom tty; do : > "/dev/$n"; mount --bind "$d/.host-dev/$n" "/dev/$n"; done',
  'ln -s /proc/self/fd /dev/fd; ln -s fd/0 /dev/stdin; ln -s fd/1 /dev/stdout; ln -s fd/2 /dev/stderr',
  ': > /dev/termination-log; mount --bind "$log" /dev/termination-log',
  'mount -t tmpfs -o mode=0755 tmpfs /run',
  'if [ -d "$d/serviceaccount" ]; then mkdir -p /run/secrets/kubernetes.io/serviceaccount; mount --bind "$d/serviceaccount" /run/secrets/kubernetes.io/serviceaccount; fi',
  `mount --bind "$d/ca-certificates.crt" ${SYSTEM_BUNDLE}`,
  'exec "$@"',
].join('\n');

export interface ContainerRun {
  /** The pod's directory: serviceaccount/, ca-certificates.crt, bin/. */
  podDir: string;
  terminationLog: string;
  command: string[];
  env: Record<string, string>;
  logPath: string;
  owner: Ownership;
}

export function startContainer(c: ContainerRun): GroupProcess {
  return spawnGroup('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', MOUNTS, 'sh', c.podDir, c.terminationLog, ...c.command], { env: c.env, logPath: c.logPath, owner: c.owner });
}

/** The container's exit code (128+n for a signal, as a runtime reports it). */
export function exitCode(p: GroupProcess): Promise<number> {
  return p.exited().then(() => p.child.exitCode ?? 128 + (p.child.signalCode === 'SIGKILL' ? 9 : 15));
}
