export type {
  KubeObject,
  ManagedFieldsEntry,
  ObjectMeta,
  OwnerReference,
  PrinterColumn,
  ResourceType,
  StoreEvent,
  WatchEventType,
} from './types.js';
export { apiVersionOf, qualifiedResource } from './types.js';
export type { KubeStatus, StatusReason } from './errors.js';
export { StoreError } from './errors.js';
export type { ListOptions, WriteOptions } from './store.js';
export { ObjectStore } from './store.js';
export type { ExecHandler, ExecRequest, ExecResult } from './exec.js';
export type { ServiceProxyHandler, ServiceProxyRequest, ServiceProxyResponse } from './proxy.js';
export type { KubeApiServer, KubeApiServerOptions, RequestRecord } from './server.js';
export { SIM_KUBE_VERSION, startKubeApiServer } from './server.js';
export type { LeafCert, SimCa, SimPki } from '../pki/tls.js';
export { SIM_CA_CN, createCa, createSimPki, issueLeaf } from '../pki/tls.js';
export type { KubeconfigOptions } from './kubeconfig.js';
export { writeKubeconfig } from './kubeconfig.js';
export * from './builtin-types.js';
