/**
 * The kind Sovereign's side services: run by the walk itself, through testcontainers, for as long
 * as it walks (Mailpit only when it walks journeys, the one suite that reads mail), not by kind:up.
 */
import { SetupError } from '../target/errors.js';
import type { MailboxSpec } from '../target/types.js';
import { mailpitService, startMailpit } from '../sidecars/mailpit.js';
import type { SideService } from '../sidecars/side-service.js';
import { KIND_DOCKER_NETWORK, MAILPIT_HOST } from './topology.js';

export const SIDE_SERVICE_LABEL = { 'sovereign-walk.kind': 'side-service' } as const;

/** Mailpit on the kind network, where the clusters' mailers reach it as `sw-kind-mailpit:1025`. */
function mailpitOnKind(): SideService {
  return mailpitService({ network: { name: KIND_DOCKER_NETWORK, aliases: [MAILPIT_HOST] }, labels: SIDE_SERVICE_LABEL });
}

export function kindSideServices(): SideService[] {
  return [mailpitOnKind()];
}

export interface KindSideServices {
  mailbox?: MailboxSpec;
  stop(): Promise<void>;
}

export async function startKindSideServices(suites: readonly string[]): Promise<KindSideServices> {
  if (!suites.includes('journeys')) return { stop: async () => {} };
  try {
    const mailpit = await startMailpit(mailpitOnKind());
    return { mailbox: mailpit.mailbox, stop: () => mailpit.stop() };
  } catch (e) {
    throw new SetupError(`the kind walk's side services did not start: ${(e as Error).message}`);
  }
}
