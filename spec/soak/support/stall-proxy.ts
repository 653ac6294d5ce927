/**
 * A loopback HTTP CONNECT proxy whose behaviour can be switched while it runs: `stall` accepts the
 * connection and never answers, `connect-stall` answers the CONNECT with 200 and then swallows
 * everything (the TLS handshake never completes), `forward` tunnels to the requested host:port.
 * The mode applies to new connections; `close()` destroys every socket.
 */
import * as net from 'node:net';

export type StallMode = 'stall' | 'connect-stall' | 'forward';

export interface StallProxy {
  readonly port: number;
  readonly url: string;
  mode: StallMode;
  /** Connections accepted per mode. */
  readonly accepted: Record<StallMode, number>;
  close(): Promise<void>;
}

export async function startStallProxy(mode: StallMode): Promise<StallProxy> {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): net.Socket => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    return s;
  };
  const accepted: Record<StallMode, number> = { stall: 0, 'connect-stall': 0, forward: 0 };
  const proxy = { mode } as { mode: StallMode };
  const server = net.createServer((client) => {
    track(client);
    const current = proxy.mode;
    accepted[current] += 1;
    if (current === 'stall') return void client.resume();
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      client.pause();
      const target = /^CONNECT ([^\s:]+|\[[^\]]+\]):(\d+) HTTP/.exec(head);
      if (current === 'connect-stall' || !target) {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        return void client.resume();
      }
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      const upstream = track(net.connect(Number(target[2]), (target[1] ?? '').replace(/^\[|\]$/g, '')));
      upstream.once('connect', () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return Object.assign(proxy, {
    port,
    url: `http://127.0.0.1:${port}`,
    accepted,
    close: () => new Promise<void>((resolve) => {
      for (const s of [...sockets]) s.destroy();
      server.close(() => resolve());
    }),
  });
}
