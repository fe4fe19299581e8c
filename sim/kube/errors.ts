import type { ResourceType } from './types.js';
import { qualifiedResource } from './types.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'InternalError'
  | 'ServiceUnavailable';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
}

/** A failure carrying the HTTP code and reason the real apiserver would answer with. */
export class StoreError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** A `v1 Status` failure object as the apiserver returns it. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

export function toStatus(err: StoreError): KubeStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: err.message,
    reason: err.reason,
    ...(err.details ? { details: err.details } : {}),
    code: err.code,
  };
}

function details(rt: ResourceType, name: string): StatusDetails {
  return { name, group: rt.group, kind: rt.plural };
}

export function notFound(rt: ResourceType, name: string): StoreError {
  return new StoreError(404, 'NotFound', `${qualifiedResource(rt)} "${name}" not found`, details(rt, name));
}

export function alreadyExists(rt: ResourceType, name: string): StoreError {
  return new StoreError(409, 'AlreadyExists', `${qualifiedResource(rt)} "${name}" already exists`, details(rt, name));
}

export function conflict(rt: ResourceType, name: string): StoreError {
  return new StoreError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(rt)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(rt, name),
  );
}

export function invalid(rt: ResourceType, name: string, why: string): StoreError {
  return new StoreError(
    422,
    'Invalid',
    `${rt.kind}${rt.group === '' ? '' : `.${rt.group}`} "${name}" is invalid: ${why}`,
    { name, group: rt.group, kind: rt.kind },
  );
}

export function badRequest(message: string): StoreError {
  return new StoreError(400, 'BadRequest', message);
}

export function unknownResource(): StoreError {
  return new StoreError(404, 'NotFound', 'the server could not find the requested resource');
}
