/**
 * A container the harness runs beside a target for as long as a walk needs it, started through
 * testcontainers: published on ephemeral host ports, ready only once its HTTP readiness route
 * answers, stopped and removed by the walk, and by testcontainers' reaper (Ryuk) should the walk
 * die first. The description is plain data, so `--dry-run` prints exactly what would be started.
 */
import type { GenericContainer, StartedTestContainer } from 'testcontainers';

export interface SideService {
  /** What it is, for messages and the dry-run. */
  name: string;
  image: string;
  /** A docker network to join, where the target's own workloads reach it under `aliases`. */
  network?: { name: string; aliases: string[] };
  /** Container ports published on ephemeral host ports. */
  ports: number[];
  environment: Record<string, string>;
  labels: Record<string, string>;
  /** Ready once `GET <path>` on container port `port` answers `status`. */
  ready: { path: string; port: number; status: number };
  startupTimeoutMs: number;
}

/** testcontainers is loaded only when a side service starts (~3 s and ~40 MB a walk without one never pays). */
async function containerFor(service: SideService): Promise<GenericContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = new GenericContainer(service.image)
    .withExposedPorts(...service.ports)
    .withEnvironment(service.environment)
    .withLabels(service.labels)
    .withWaitStrategy(Wait.forHttp(service.ready.path, service.ready.port).forStatusCode(service.ready.status))
    .withStartupTimeout(service.startupTimeoutMs);
  return service.network ? container.withNetworkMode(service.network.name).withNetworkAliases(...service.network.aliases) : container;
}

/** Starts `service` and waits until it is ready; a container that never gets ready is removed by testcontainers. */
export async function startSideService(service: SideService): Promise<StartedTestContainer> {
  try {
    return await (await containerFor(service)).start();
  } catch (e) {
    throw new Error(`${service.name} (${service.image}) did not start: ${e instanceof Error ? e.message : String(e)}`);
  }
}
