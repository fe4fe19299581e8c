// Source: temporalio/api workflowservice/v1/service.proto (GetSystemInfo, GetSearchAttributes → {keys:
// name → IndexedValueType}), grpc/grpc-proto health/v1/health.proto, and the default search attributes
// of temporalio/documentation "What is a Search Attribute?" plus those later server releases added.
// The real frontend speaks gRPC on 7233; kwok runs no server and sim/products/tctl (a Go program, built by set-up) is its only
// client, so the model keeps gRPC's method paths and status semantics (grpc-status, grpc-message) and
// carries the messages as JSON over HTTP/1.1.
import { goError, json, pathOf } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
const HEALTH_SERVICE = 'grpc.health.v1.Health';

const SYSTEM: Record<string, string> = {
  BatcherNamespace: 'KEYWORD',
  BatcherUser: 'KEYWORD',
  BinaryChecksums: 'KEYWORD_LIST',
  BuildIds: 'KEYWORD_LIST',
  CloseTime: 'DATETIME',
  ExecutionDuration: 'INT',
  ExecutionStatus: 'KEYWORD',
  ExecutionTime: 'DATETIME',
  HistoryLength: 'INT',
  HistorySizeBytes: 'INT',
  RunId: 'KEYWORD',
  StartTime: 'DATETIME',
  StateTransitionCount: 'INT',
  TaskQueue: 'KEYWORD',
  TemporalChangeVersion: 'KEYWORD_LIST',
  TemporalNamespaceDivision: 'KEYWORD',
  TemporalSchedulePaused: 'BOOL',
  TemporalScheduledById: 'KEYWORD',
  TemporalScheduledStartTime: 'DATETIME',
  WorkflowId: 'KEYWORD',
  WorkflowType: 'KEYWORD',
};

/** SQL visibility (the chart's postgres12 store) pre-allocates typed columns as custom attributes. */
function preallocated(): Record<string, string> {
  const columns: [string, string, number][] = [['Bool', 'BOOL', 3], ['Datetime', 'DATETIME', 3], ['Double', 'DOUBLE', 3], ['Int', 'INT', 3], ['Keyword', 'KEYWORD', 10], ['KeywordList', 'KEYWORD_LIST', 3], ['Text', 'TEXT', 3]];
  return Object.fromEntries(columns.flatMap(([prefix, type, count]) => Array.from({ length: count }, (_, i) => [`${prefix}${String(i + 1).padStart(2, '0')}`, type])));
}

export const SEARCH_ATTRIBUTES: Record<string, string> = Object.fromEntries(
  Object.entries({ ...SYSTEM, ...preallocated() }).map(([name, type]) => [name, `INDEXED_VALUE_TYPE_${type}`]),
);

function grpc(status: number, message: unknown, error = ''): ProductAnswer {
  const headers = { 'content-type': 'application/grpc+json', 'grpc-status': String(status), ...(error ? { 'grpc-message': encodeURIComponent(error) } : {}) };
  return status === 0 ? json(200, message, headers) : { status: 200, headers, body: '' };
}

function handle(req: ProductRequest, ctx: ProductContext): ProductAnswer {
  if (req.method !== 'POST') return goError(405, `invalid gRPC request method "${req.method}"`);
  const [, service = '', method = ''] = pathOf(req).split('/');
  if (service === HEALTH_SERVICE && method === 'Check') return grpc(0, { status: ctx.state.ready ? 'SERVING' : 'NOT_SERVING' });
  if (service !== WORKFLOW_SERVICE) return grpc(12, undefined, `unknown service ${service}`);
  if (!ctx.state.ready) return grpc(14, undefined, 'Not enough hosts to serve the request');
  if (method === 'GetSystemInfo') return grpc(0, { serverVersion: '1.31.0', capabilities: { signalAndQueryHeader: true, internalErrorDifferentiation: true, activityFailureIncludeHeartbeat: true, supportsSchedules: true, encodedFailureAttributes: true, buildIdBasedVersioning: true, upsertMemo: true, eagerWorkflowStart: true, sdkMetadata: true, countGroupByExecutionStatus: true } });
  if (method === 'GetSearchAttributes') return grpc(0, { keys: SEARCH_ATTRIBUTES });
  return grpc(12, undefined, `unknown method ${method} for service ${service}`);
}

export const temporalFrontend: ProductModel = {
  product: 'temporal-frontend',
  component: 'temporal',
  workload: /(^|-)frontend(-|$)/,
  ports: [7233],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle,
};
