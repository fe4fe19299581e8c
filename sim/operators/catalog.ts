/** The operator models by API group. */
import { certManager } from './cert-manager.js';
import { cnpg } from './cnpg.js';
import { crossplane } from './crossplane.js';
import { externalSecrets } from './external-secrets.js';
import { gatewayApi } from './gateway-api.js';
import { knative } from './knative.js';
import { kserve } from './kserve.js';
import { kyverno } from './kyverno.js';
import { openTelemetry } from './opentelemetry.js';
import { sigstore } from './sigstore.js';
import type { OperatorModel } from './types.js';
import { velero } from './velero.js';

export const OPERATORS: readonly OperatorModel[] = [certManager, crossplane, externalSecrets, cnpg, openTelemetry, kyverno, sigstore, velero, gatewayApi, knative, kserve];

export function operatorFor(group: string): OperatorModel | undefined {
  return OPERATORS.find((o) => o.group === group);
}
