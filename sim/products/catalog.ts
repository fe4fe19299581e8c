/** Every product model, found by kit component (the slot name without `bp-`) and workload. */
import { anthropicAdapter } from './anthropic-adapter.js';
import { bge } from './bge.js';
import { catalystApi } from './catalyst-api.js';
import { catalystConsole, catalystMarketplace } from './catalyst-web.js';
import { coraza } from './coraza.js';
import { gitea } from './gitea.js';
import { grafana } from './grafana.js';
import { harborCore, harborPortal } from './harbor.js';
import { keycloak } from './keycloak.js';
import { langfuse } from './langfuse.js';
import { librechat } from './librechat.js';
import { livekit } from './livekit.js';
import { llmGateway } from './llm-gateway.js';
import { loki, mimir, tempo } from './lgtm.js';
import { matrix } from './matrix.js';
import { nemoGuardrails } from './nemo-guardrails.js';
import { openbao } from './openbao.js';
import { openmeter } from './openmeter.js';
import { policyControllerWebhook } from './policy-controller-webhook.js';
import { powerdns } from './powerdns.js';
import { seaweedfs } from './seaweedfs.js';
import { temporalFrontend } from './temporal.js';
import type { ProductModel } from './types.js';

export const PRODUCTS: readonly ProductModel[] = [
  openbao,
  keycloak,
  gitea,
  powerdns,
  catalystConsole,
  catalystApi,
  catalystMarketplace,
  seaweedfs,
  harborCore,
  harborPortal,
  loki,
  mimir,
  tempo,
  grafana,
  langfuse,
  coraza,
  llmGateway,
  anthropicAdapter,
  bge,
  nemoGuardrails,
  temporalFrontend,
  openmeter,
  livekit,
  matrix,
  librechat,
  policyControllerWebhook,
];

/**
 * The model for a pod of `component`. With several models per component (catalyst-platform's
 * console, API and marketplace), `workload` (the pod's owner name) picks one; without it the first
 * model that claims no particular workload, or the component's first model, answers.
 */
export function productFor(component: string, workload?: string): ProductModel | undefined {
  const models = PRODUCTS.filter((m) => m.component === component);
  if (workload === undefined) return models.find((m) => !m.workload) ?? models[0];
  return models.find((m) => !m.workload || m.workload.test(workload));
}
