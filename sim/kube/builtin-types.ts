import type { ResourceType } from './types.js';

/** Built-in Kubernetes types as discovery describes them; register the ones a sim needs. */
export const NAMESPACE_TYPE: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  hasStatus: true,
};

export const NODE_TYPE: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  hasStatus: true,
};

export const POD_TYPE: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  hasStatus: true,
};

export const SERVICE_TYPE: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  hasStatus: true,
};

export const CONFIGMAP_TYPE: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  hasStatus: false,
};

export const SECRET_TYPE: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  hasStatus: false,
};

export const DEPLOYMENT_TYPE: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  hasStatus: true,
};

export const BUILTIN_TYPES: readonly ResourceType[] = [
  NAMESPACE_TYPE,
  NODE_TYPE,
  POD_TYPE,
  SERVICE_TYPE,
  CONFIGMAP_TYPE,
  SECRET_TYPE,
  DEPLOYMENT_TYPE,
];
