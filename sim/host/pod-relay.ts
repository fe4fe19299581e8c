/**
 * The sim's end of a region's pod network relay (pod-relay.mjs, a process of the region): the
 * products of the region's pods are served here, in the sim, on unix sockets, and reach the network
 * only through the relay, which listens on the pods' IPs inside the region. A region that loses
 * power loses its relay, so its products stop answering with it; the boot starts the relay again
 * and it asks for every port the region's pods still serve.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../../src/repo-root.js';

export const RELAY_SCRIPT = join(REPO_ROOT, 'sim/host/pod-relay.mjs');
const CONNECT_WAIT_MS = 20_000;
const ACK_WAIT_MS = 10_000;
// sun_path holds 108 bytes, its terminating NUL included.
const MAX_SOCKET_PATH = 107;

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export class PodRelay {
  readonly controlPath: string;
  private readonly wanted = new Map<string, string>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly control: Server;
  private relay?: Socket;
  private nextSocket = 0;

  constructor(private readonly dir: string, private readonly onError: (err: Error) => void) {
    mkdirSync(dir, { recursive: true });
    this.controlPath = this.socketPath('relay');
    this.control = createServer((socket) => this.attach(socket));
  }

  /** argv of the relay process (started by the region, so its boot starts it again). */
  argv(): [string, string[]] {
    return [process.execPath, [RELAY_SCRIPT, this.controlPath]];
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.control.once('error', reject);
      this.control.listen(this.controlPath, () => resolve());
    });
  }

  /** Serves `server` on the pod's `ip:port`; resolves once the relay listens there. */
  async serve(server: Server, ip: string, port: number): Promise<void> {
    const path = this.socketPath(String(this.nextSocket++));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    await this.forward(path, ip, port);
  }

  /** Forwards the pod's `ip:port` to a unix socket something else listens on. */
  async forward(path: string, ip: string, port: number): Promise<void> {
    const key = `${ip}:${port}`;
    this.wanted.set(key, path);
    const acked = new Promise<void>((resolve, reject) => this.waiters.set(key, { resolve, reject }));
    // Without a relay yet (starting, or its region booting), the relay asks for it when it connects.
    const waitMs = this.relay ? ACK_WAIT_MS : CONNECT_WAIT_MS;
    this.relay?.write(`add ${ip} ${port} ${path}\n`);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the pod relay did not listen on ${key} within ${waitMs / 1000} s`)), waitMs)));
    try {
      await Promise.race([acked, late]);
    } finally {
      clearTimeout(timer);
      this.waiters.delete(key);
    }
  }

  withdraw(ip: string, port: number): void {
    const key = `${ip}:${port}`;
    this.wanted.delete(key);
    this.relay?.write(`del ${ip} ${port}\n`);
  }

  /** A fresh unix socket path in the relay's directory. */
  socketPath(name: string): string {
    const path = join(this.dir, `${name}.sock`);
    if (path.length > MAX_SOCKET_PATH) throw new Error(`unix socket path too long (${path.length} > ${MAX_SOCKET_PATH} bytes): ${path}; start the sim in a shorter directory`);
    if (existsSync(path)) rmSync(path);
    return path;
  }

  close(): Promise<void> {
    this.relay?.destroy();
    return new Promise((resolve) => this.control.close(() => resolve()));
  }

  private attach(socket: Socket): void {
    this.relay?.destroy();
    this.relay = socket;
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.relay !== socket) return;
      this.relay = undefined;
      for (const [key, w] of this.waiters) w.reject(new Error(`the pod relay for ${key} exited (the region lost power?)`));
    });
    createInterface({ input: socket }).on('line', (line) => {
      const [verb, key, ...message] = line.split(' ');
      const waiter = this.waiters.get(key);
      if (verb === 'ok') waiter?.resolve();
      else if (verb === 'err') {
        const err = new Error(`the pod relay cannot listen on ${key}: ${message.join(' ')}`);
        if (waiter) waiter.reject(err);
        else this.onError(err);
      }
    });
    for (const [key, path] of this.wanted) {
      const [ip, port] = key.split(':');
      socket.write(`add ${ip} ${port} ${path}\n`);
    }
  }
}
