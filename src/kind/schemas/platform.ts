/** Flux, cert-manager, Gateway API / Envoy Gateway and CloudNativePG kinds the kind plan emits. */
import { anyObject, arr, bool, dnsName, duration, enm, int, obj, pattern, port, quantity, resource, str, strMap, type Schema } from './dsl.js';

const localRef = obj({ name: dnsName }, ['name']);
const crossRef = obj({ name: dnsName, namespace: dnsName }, ['name']);
const remediation = obj({ remediation: obj({ retries: int(-1) }), createNamespace: bool, crds: enm('Skip', 'Create', 'CreateReplace'), disableWait: bool, timeout: duration });

const flux: Schema[] = [
  resource(
    'source.toolkit.fluxcd.io/v1',
    'HelmRepository',
    true,
    { spec: obj({ interval: duration, url: pattern('^(https?|oci)://'), type: enm('default', 'oci'), secretRef: localRef }, ['interval', 'url']) },
    ['spec'],
  ),
  resource(
    'helm.toolkit.fluxcd.io/v2',
    'HelmRelease',
    true,
    {
      spec: obj(
        {
          interval: duration,
          releaseName: dnsName,
          targetNamespace: dnsName,
          chart: obj(
            {
              spec: obj(
                {
                  chart: str,
                  version: str,
                  sourceRef: obj({ kind: enm('HelmRepository', 'GitRepository', 'Bucket'), name: dnsName, namespace: dnsName }, ['kind', 'name']),
                },
                ['chart', 'sourceRef'],
              ),
            },
            ['spec'],
          ),
          install: remediation,
          upgrade: remediation,
          dependsOn: arr(crossRef),
          suspend: bool,
          values: anyObject,
        },
        ['interval', 'chart'],
      ),
    },
    ['spec'],
  ),
];

const issuerRef = obj({ name: dnsName, kind: enm('Issuer', 'ClusterIssuer'), group: { const: 'cert-manager.io' } }, ['name', 'kind']);

const certManager: Schema[] = [
  resource('cert-manager.io/v1', 'ClusterIssuer', false, { spec: obj({ ca: obj({ secretName: dnsName }, ['secretName']), selfSigned: obj({}) }) }, ['spec']),
  resource(
    'cert-manager.io/v1',
    'Certificate',
    true,
    {
      spec: obj(
        {
          secretName: dnsName,
          dnsNames: arr(pattern('^(\\*\\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$'), 1),
          duration,
          privateKey: obj({ algorithm: enm('RSA', 'ECDSA', 'Ed25519'), size: int(256) }),
          issuerRef,
        },
        ['secretName', 'dnsNames', 'issuerRef'],
      ),
    },
    ['spec'],
  ),
];

const parentRef = obj({ group: str, kind: str, namespace: dnsName, name: dnsName, sectionName: str, port }, ['name']);

const gateway: Schema[] = [
  resource(
    'gateway.envoyproxy.io/v1alpha1',
    'EnvoyProxy',
    true,
    {
      spec: obj(
        {
          provider: obj(
            {
              type: enm('Kubernetes', 'Custom'),
              kubernetes: obj({
                envoyService: obj({ type: enm('ClusterIP', 'LoadBalancer', 'NodePort'), patch: obj({ type: enm('StrategicMerge', 'JSONMerge'), value: anyObject }, ['value']) }),
                envoyDeployment: anyObject,
              }),
            },
            ['type'],
          ),
        },
        ['provider'],
      ),
    },
    ['spec'],
  ),
  resource(
    'gateway.networking.k8s.io/v1',
    'GatewayClass',
    false,
    { spec: obj({ controllerName: pattern('^[a-z0-9.-]+/[A-Za-z0-9/._-]+$'), parametersRef: obj({ group: str, kind: str, name: dnsName, namespace: dnsName }, ['group', 'kind', 'name']) }, ['controllerName']) },
    ['spec'],
  ),
  resource(
    'gateway.networking.k8s.io/v1',
    'Gateway',
    true,
    {
      spec: obj(
        {
          gatewayClassName: dnsName,
          listeners: arr(
            obj(
              {
                name: dnsName,
                protocol: enm('HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP'),
                port,
                hostname: str,
                tls: obj({ mode: enm('Terminate', 'Passthrough'), certificateRefs: arr(obj({ kind: { const: 'Secret' }, group: { type: 'string' }, name: dnsName, namespace: dnsName }, ['name'])) }),
                allowedRoutes: obj({ namespaces: obj({ from: enm('All', 'Same', 'Selector'), selector: anyObject }) }),
              },
              ['name', 'protocol', 'port'],
            ),
            1,
          ),
        },
        ['gatewayClassName', 'listeners'],
      ),
    },
    ['spec'],
  ),
  resource(
    'gateway.networking.k8s.io/v1',
    'HTTPRoute',
    true,
    {
      spec: obj(
        {
          parentRefs: arr(parentRef, 1),
          hostnames: arr(pattern('^(\\*\\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$')),
          rules: arr(
            obj({
              matches: arr(obj({ path: obj({ type: enm('Exact', 'PathPrefix', 'RegularExpression'), value: str }), method: str, headers: arr(anyObject) })),
              backendRefs: arr(obj({ group: { type: 'string' }, kind: str, name: dnsName, namespace: dnsName, port, weight: int(0) }, ['name'])),
              filters: arr(anyObject),
            }),
            1,
          ),
        },
        ['parentRefs', 'rules'],
      ),
    },
    ['spec'],
  ),
];

const secretKeyRef = obj({ name: dnsName, key: str }, ['name', 'key']);
const appDatabase = { database: str, owner: str, secret: localRef };

const cnpg: Schema[] = [
  resource(
    'postgresql.cnpg.io/v1',
    'Cluster',
    true,
    {
      spec: obj(
        {
          instances: int(1),
          imageName: str,
          storage: obj({ size: quantity, storageClass: str }, ['size']),
          bootstrap: obj({ initdb: obj(appDatabase), pg_basebackup: obj({ source: dnsName, ...appDatabase }, ['source']) }),
          replica: obj({ enabled: bool, source: dnsName }, ['source']),
          externalClusters: arr(obj({ name: dnsName, connectionParameters: strMap, password: secretKeyRef }, ['name', 'connectionParameters'])),
          postgresql: obj({
            parameters: strMap,
            pg_hba: arr(str),
            // dataDurability is required in effect: CNPG 1.27's CEL rule on this block reads it unconditionally.
            synchronous: obj(
              { method: enm('any', 'first'), number: int(1), maxStandbyNamesFromCluster: int(0), standbyNamesPre: arr(str), standbyNamesPost: arr(str), dataDurability: enm('required', 'preferred') },
              ['method', 'number', 'dataDurability'],
            ),
          }),
          managed: obj({
            roles: arr(obj({ name: str, ensure: enm('present', 'absent'), login: bool, replication: bool, superuser: bool, passwordSecret: localRef }, ['name'])),
          }),
        },
        ['instances', 'storage'],
      ),
    },
    ['spec'],
  ),
];

const kindNode = obj(
  {
    role: enm('control-plane', 'worker'),
    image: pattern('^kindest/node:v[0-9]+\\.[0-9]+\\.[0-9]+(@sha256:[0-9a-f]{64})?$'),
    labels: strMap,
    extraPortMappings: arr(obj({ containerPort: port, hostPort: port, listenAddress: str, protocol: enm('TCP', 'UDP', 'SCTP') }, ['containerPort'])),
  },
  ['role'],
);

/** kind's own config (not a Kubernetes object: the name is top-level). */
const kindCluster: Schema = obj(
  {
    apiVersion: { const: 'kind.x-k8s.io/v1alpha4' },
    kind: { const: 'Cluster' },
    name: pattern('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'),
    nodes: arr(kindNode, 1),
    networking: obj({ podSubnet: str, serviceSubnet: str, disableDefaultCNI: bool, apiServerAddress: str }),
  },
  ['apiVersion', 'kind', 'name', 'nodes'],
);

/** The platform's dr.openova.io objects (products/catalyst/chart/crds/ in the platform's repository). */
const regionName = pattern('^[a-z0-9]+(-[a-z0-9]+)*$');
const dr: Schema[] = [
  resource(
    'dr.openova.io/v1',
    'CNPGPair',
    true,
    {
      spec: obj(
        {
          primaryCluster: dnsName,
          replicaCluster: dnsName,
          primaryRegion: regionName,
          replicaRegion: regionName,
          rpoSeconds: int(0),
          rtoSeconds: int(1),
          topology: enm('active-hot-standby', 'active-active', 'active-hotstandby'),
        },
        ['primaryCluster', 'replicaCluster', 'primaryRegion', 'replicaRegion'],
      ),
    },
    ['spec'],
  ),
  resource(
    'dr.openova.io/v1',
    'Continuum',
    true,
    {
      spec: obj(
        {
          applicationRef: anyObject,
          cnpgPairRef: obj({ name: dnsName, namespace: dnsName }, ['name']),
          primaryRegion: regionName,
          hotStandbyRegions: arr(regionName),
          leaseClient: anyObject,
          luaRecord: anyObject,
          rto: duration,
          rpo: duration,
          autoFailover: bool,
          switchover: anyObject,
        },
        ['primaryRegion'],
      ),
    },
    ['spec'],
  ),
];

export const platformSchemas: Schema[] = [...flux, ...certManager, ...gateway, ...cnpg, ...dr, kindCluster];
