/** A usage or set-up problem: the walk stops with exit 2 and this one-line message. */
export class SetupError extends Error {
  override name = 'SetupError';
}

/** The API server does not serve a resource (its CRD is not installed, or not in that version). */
export class NotServedError extends Error {
  override name = 'NotServedError';
}
