/**
 * Counts what this process sends while a measurement runs, from Node's diagnostics channels:
 * Kubernetes API requests (node:http, which @kubernetes/client-node uses) and the distinct
 * connections they went over, and HTTPS requests/connections made through undici (HttpClient).
 * A request per connection means a TLS handshake per request.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

export interface Traffic {
  apiRequests: number;
  apiConnections: number;
  httpsRequests: number;
  httpsConnections: number;
}

export function countTraffic(): { stop(): Traffic } {
  const counts: Traffic = { apiRequests: 0, apiConnections: 0, httpsRequests: 0, httpsConnections: 0 };
  const sockets = new WeakSet<object>();
  const onResponse = (message: unknown): void => {
    const socket = (message as { request: ClientRequest }).request.socket;
    counts.apiRequests++;
    if (socket && !sockets.has(socket)) {
      sockets.add(socket);
      counts.apiConnections++;
    }
  };
  const onUndiciRequest = (): void => {
    counts.httpsRequests++;
  };
  const onUndiciConnected = (): void => {
    counts.httpsConnections++;
  };
  const subscriptions: [string, (m: unknown) => void][] = [
    ['http.client.response.finish', onResponse],
    ['undici:request:create', onUndiciRequest],
    ['undici:client:connected', onUndiciConnected],
  ];
  for (const [name, fn] of subscriptions) subscribe(name, fn);
  return {
    stop() {
      for (const [name, fn] of subscriptions) unsubscribe(name, fn);
      return { ...counts };
    },
  };
}
