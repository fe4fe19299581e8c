/** Core and apps/v1 kinds the kind plan emits (Namespace, ConfigMap, Secret, Service, Deployment). */
import { anyObject, arr, bool, enm, int, obj, port, quantity, resource, str, strMap, type Schema } from './dsl.js';

const portRef: Schema = { anyOf: [port, str] };

const container = obj(
  {
    name: str,
    image: str,
    imagePullPolicy: enm('Always', 'IfNotPresent', 'Never'),
    command: arr(str),
    args: arr({ type: 'string' }),
    workingDir: str,
    ports: arr(obj({ name: str, containerPort: port, protocol: enm('TCP', 'UDP', 'SCTP') }, ['containerPort'])),
    env: arr(obj({ name: str, value: { type: 'string' }, valueFrom: anyObject }, ['name'])),
    envFrom: arr(anyObject),
    readinessProbe: anyObject,
    livenessProbe: anyObject,
    startupProbe: anyObject,
    resources: obj({ requests: obj({ cpu: quantity, memory: quantity }), limits: obj({ cpu: quantity, memory: quantity }) }),
    volumeMounts: arr(obj({ name: str, mountPath: str, subPath: str, readOnly: bool }, ['name', 'mountPath'])),
    securityContext: anyObject,
  },
  ['name', 'image'],
);

const podSpec = obj(
  {
    containers: arr(container, 1),
    initContainers: arr(container),
    volumes: arr(obj({ name: str, configMap: anyObject, secret: anyObject, emptyDir: anyObject, persistentVolumeClaim: anyObject }, ['name'])),
    securityContext: anyObject,
    serviceAccountName: str,
    nodeSelector: strMap,
    tolerations: arr(anyObject),
    affinity: anyObject,
    topologySpreadConstraints: arr(anyObject),
    terminationGracePeriodSeconds: int(0),
    priorityClassName: str,
  },
  ['containers'],
);

export const coreSchemas: Schema[] = [
  resource('v1', 'Namespace', false, {}, []),
  resource('v1', 'ConfigMap', true, { data: strMap }, []),
  resource('v1', 'Secret', true, { type: enm('Opaque', 'kubernetes.io/basic-auth', 'kubernetes.io/tls'), stringData: strMap, data: strMap }, ['type']),
  resource(
    'v1',
    'Service',
    true,
    {
      spec: obj(
        {
          type: enm('ClusterIP', 'NodePort', 'LoadBalancer'),
          selector: { ...strMap, minProperties: 1 },
          ports: arr(obj({ name: str, port, targetPort: portRef, nodePort: int(30000, 32767), protocol: enm('TCP', 'UDP', 'SCTP'), appProtocol: str }, ['port']), 1),
        },
        ['selector', 'ports'],
      ),
    },
    ['spec'],
  ),
  resource(
    'apps/v1',
    'Deployment',
    true,
    {
      spec: obj(
        {
          replicas: int(0),
          selector: obj({ matchLabels: { ...strMap, minProperties: 1 } }, ['matchLabels']),
          strategy: anyObject,
          template: obj({ metadata: obj({ labels: { ...strMap, minProperties: 1 }, annotations: strMap }, ['labels']), spec: podSpec }, ['metadata', 'spec']),
        },
        ['selector', 'template'],
      ),
    },
    ['spec'],
  ),
];
