/**
 * The regions' DNS (CoreDNS's job on a cluster): A records for the names a region's processes
 * resolve — cluster Services to their ClusterIP, the world's named hosts and the mothership to
 * their addresses — answered per asking region (by its source address). Anything else is NXDOMAIN,
 * as on a Sovereign cut off from a name it does not know.
 */
import { createSocket, type Socket } from 'node:dgram';
import { decode, encode, type Packet } from 'dns-packet';

/** The address `name` resolves to for the region at `from`, or undefined (NXDOMAIN). */
export type Resolve = (name: string, from: string) => string | undefined;

export interface DnsServer {
  close(): Promise<void>;
}

const TTL_S = 5;

export async function startDnsServer(address: string, resolve: Resolve): Promise<DnsServer> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    let query: Packet;
    try {
      query = decode(msg);
    } catch {
      return;
    }
    const q = query.questions?.[0];
    const name = (q?.name ?? '').toLowerCase().replace(/\.$/, '');
    const ip = q && q.type === 'A' ? resolve(name, rinfo.address) : undefined;
    const known = q && (q.type === 'A' ? ip !== undefined : resolve(name, rinfo.address) !== undefined);
    const answer = encode({
      id: query.id,
      type: 'response',
      flags: 0x8000 | 0x0400 | (known ? 0 : 3),
      questions: query.questions,
      answers: ip ? [{ type: 'A', name: q!.name, ttl: TTL_S, data: ip }] : [],
    } as Packet);
    socket.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((ok, fail) => {
    socket.once('error', fail);
    socket.bind(53, address, () => ok());
  });
  return { close: () => new Promise((ok) => socket.close(() => ok())) };
}
