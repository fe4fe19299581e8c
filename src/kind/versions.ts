/**
 * Every version the kind target pins, in one place: a bump shows up as a diff of the golden
 * dry-run (test/golden/kind/plan.txt). Chart versions of kit slots live in
 * fixtures/kind/kit-kind.json (`chart`, `version`), like any kit.
 */
export const KIND_VERSIONS = {
  /** kind CLI the node image below was built for (CI installs this release). */
  kind: 'v0.25.0',
  nodeImage: 'kindest/node:v1.31.2',
  fluxInstallManifest: 'https://github.com/fluxcd/flux2/releases/download/v2.4.0/install.yaml',
  /** Envoy Gateway implements the Gateway API on kind (kindnet has no Cilium gateway); bundles the Gateway API CRDs. */
  envoyGatewayInstallManifest: 'https://github.com/envoyproxy/gateway/releases/download/v1.2.4/install.yaml',
  mailpitImage: 'axllent/mailpit:v1.21.8',
  haproxyImage: 'haproxy:3.0.8',
  postgresImage: 'postgres:16.6-alpine',
} as const;
