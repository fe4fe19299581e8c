// Source: sigstore/policy-controller's webhook (cmd/webhook, knative.dev/pkg/webhook/resourcesemantics/
// conversion): the CRD's conversion webhook on 8443, answering each ConversionReview by converting
// every object to the desired version (ClusterImagePolicy v1alpha1 <-> v1beta1 carry the same fields,
// pkg/apis/policy/v1alpha1/clusterimagepolicy_conversion.go) with result Success; a request that is not
// a ConversionReview is refused with 400.
import { goError, goNotFound, json, pathOf } from './answers.js';
import type { ProductAnswer, ProductModel, ProductRequest } from './types.js';

interface Review {
  apiVersion?: string;
  kind?: string;
  request?: { uid?: string; desiredAPIVersion?: string; objects?: Record<string, unknown>[] };
}

function convert(req: ProductRequest): ProductAnswer {
  let review: Review;
  try {
    review = JSON.parse(req.body.toString('utf8')) as Review;
  } catch {
    return goError(400, 'could not decode body');
  }
  const r = review.request;
  if (review.kind !== 'ConversionReview' || !r?.uid || !r.desiredAPIVersion) return goError(400, 'expected a ConversionReview with a request');
  const desired = r.desiredAPIVersion;
  return json(200, {
    apiVersion: review.apiVersion,
    kind: 'ConversionReview',
    response: {
      uid: r.uid,
      convertedObjects: (r.objects ?? []).map((o) => ({ ...o, apiVersion: desired })),
      result: { metadata: {}, status: 'Success' },
    },
  });
}

export const policyControllerWebhook: ProductModel = {
  product: 'policy-controller-webhook',
  component: 'sigstore',
  workload: /^policy-controller-webhook$/,
  ports: [8443],
  tls: true,
  listensWhileNotReady: false,
  initialState: () => ({ ready: true }),
  handle(req) {
    if (req.method === 'POST') return convert(req);
    return pathOf(req) === '/' ? goError(405, 'method not allowed') : goNotFound();
  },
};
