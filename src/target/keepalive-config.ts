/**
 * client-node builds a fresh agent for every API call, so each request pays a TCP connect and a
 * TLS handshake (most of a sweep's time against a nearby API server). This KubeConfig hands API
 * calls one keep-alive agent per distinct TLS identity instead. Watches and exec keep the
 * library's own agents: they hold their connection for their whole life anyway.
 *
 * Every API call of the generated clients passes through `applySecurityAuthentication` once, so
 * its listener hears of each (the walk's request counts); watches and exec do not pass here.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

type AnyAgent = http.Agent | https.Agent;

/** A pooled connection idle longer than this is not reused: under Node servers' 5 s keep-alive, far under load balancers' minute. */
export const MAX_IDLE_MS = 4_000;

interface AgentInternals {
  addRequest(req: http.ClientRequest, options: unknown): void;
}

/**
 * Never hands out a connection the server may already have closed. Idleness is judged by the
 * clock when the request is made: after the event loop was busy (a spawnSync, a long
 * computation) the server's FIN may not have been read yet, and writing to that socket ends in
 * "socket hang up". Free sockets are ordered by when they were freed, so the stale ones are a
 * prefix the agent skips once destroyed.
 */
function dropStaleConnections<T extends AnyAgent>(agent: T): T {
  const idleSince = new WeakMap<Socket, number>();
  agent.on('free', (socket: Socket) => idleSince.set(socket, Date.now()));
  const internals = agent as unknown as AgentInternals;
  const addRequest = internals.addRequest.bind(agent);
  internals.addRequest = (req, options) => {
    const now = Date.now();
    for (const free of Object.values(agent.freeSockets)) {
      for (const socket of free ?? []) if (now - (idleSince.get(socket) ?? now) > MAX_IDLE_MS) socket.destroy();
    }
    addRequest(req, options);
  };
  return agent;
}

export class KeepAliveKubeConfig extends KubeConfig {
  private readonly agents = new Map<string, AnyAgent>();

  /** `onRequest`: told of each API call about to be sent (its method and absolute URL). */
  constructor(private readonly onRequest: (method: string, url: string) => void = () => {}) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    this.onRequest(context.getHttpMethod(), context.getUrl());
    const agent = context.getAgent();
    if (agent) context.setAgent(this.shared(agent));
  }

  /** Closes the pooled connections. */
  destroyAgents(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private shared(agent: AnyAgent): AnyAgent {
    // Proxy agents (socks, hpagent) carry their own connection logic: leave them alone.
    const Ctor = agent.constructor;
    if (Ctor !== https.Agent && Ctor !== http.Agent) return agent;
    const o = (agent as https.Agent & { options: https.AgentOptions }).options;
    // Hashed so the map keys hold no key material.
    const key = createHash('sha256')
      .update(JSON.stringify([Ctor === https.Agent, o.ca, o.cert, o.key, o.pfx, o.passphrase, o.rejectUnauthorized, o.servername]))
      .digest('hex');
    let pooled = this.agents.get(key);
    if (!pooled) {
      pooled = dropStaleConnections(Ctor === https.Agent ? new https.Agent({ ...o, keepAlive: true }) : new http.Agent({ ...o, keepAlive: true }));
      this.agents.set(key, pooled);
    }
    return pooled;
  }
}
