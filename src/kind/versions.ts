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
  /** The platform's own charts (`bp-*`), as the mothership publishes them. */
  platformCharts: 'oci://ghcr.io/openova-io',
  /** The platform's DR controller, products/continuum/chart in the platform's repository. */
  continuumChart: { name: 'bp-continuum', version: '0.1.5' },
  /** The dr.openova.io CRDs (Continuum, CNPGPair) bp-catalyst-platform installs on a Sovereign. */
  drCrds: [
    'https://raw.githubusercontent.com/openova-io/openova/3419a73563c6efbbacf0c11e64deeee019896faa/products/catalyst/chart/crds/continuum.yaml',
    'https://raw.githubusercontent.com/openova-io/openova/2b639b6f66c0d36f8b5da6f73497f240691cc8ea/products/catalyst/chart/crds/cnpgpair.yaml',
  ],
} as const;
