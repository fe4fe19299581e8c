#!/usr/bin/env node
// A region's pod network relay: runs inside the region (its network namespace when the region is a
// host of its own) and listens on the pod IPs and ports the region's pods serve, piping each
// connection to the unix socket where the embedded Sovereign serves that pod's product. It dies
// with the region (a power-off kills every process of the namespace) and the boot starts it again,
// so a powered-off region's products leave packets unanswered, as a real one's do.
//
//   pod-relay.mjs <control-socket>
//
// The control socket is the sim's; over it, one line each way:
//   add <ip> <port> <unix-socket>   ->  ok <ip>:<port>  |  err <ip>:<port> <message>
//   del <ip> <port>                     (stops listening, drops its connections)
// The sim sends every current `add` on each connect; the relay exits when the sim closes it.
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';

const control = connect(process.argv[2]);
const listeners = new Map();

control.on('error', (err) => {
  process.stderr.write(`pod-relay: control socket ${process.argv[2]}: ${err.message}\n`);
  process.exit(1);
});
control.on('close', () => process.exit(0));

function add(ip, port, target) {
  const key = `${ip}:${port}`;
  remove(key);
  const connections = new Set();
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ path: target, allowHalfOpen: true });
    connections.add(client);
    client.on('close', () => {
      connections.delete(client);
      upstream.destroy();
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  listeners.set(key, { server, connections });
  server.once('error', (err) => {
    listeners.delete(key);
    control.write(`err ${key} ${err.message.replace(/\n/g, ' ')}\n`);
  });
  server.listen(Number(port), ip, () => control.write(`ok ${key}\n`));
}

function remove(key) {
  const l = listeners.get(key);
  if (!l) return;
  listeners.delete(key);
  l.server.close();
  for (const c of l.connections) c.destroy();
}

createInterface({ input: control }).on('line', (line) => {
  const [verb, ip, port, target] = line.split(' ');
  if (verb === 'add' && target) add(ip, port, target);
  else if (verb === 'del') remove(`${ip}:${port}`);
});
