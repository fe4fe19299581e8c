/** A usage or set-up problem: the walk stops with exit 2 and this one-line message. */
export class SetupError extends Error {
  override name = 'SetupError';
}
