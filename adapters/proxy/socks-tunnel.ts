/**
 * SOCKS5 tunnel agent. It keeps socks-proxy-agent as its base class (agent-base's keep-alive socket
 * pool and its `proxy` fields) but negotiates itself (socks-handshake.ts), on a socket it owns:
 * - the target name is resolved here for `socks5:` and by the proxy for `socks5h:`;
 * - the negotiation is bounded and watched (a non-SOCKS proxy fails fast with a PROXY_* code), and no
 *   timeout stays on the tunnel afterwards (an idle MQTT WebSocket must not be cut);
 * - IPv6 proxy addresses go to `net.connect` without brackets.
 * TLS for the target then runs inside the tunnel, with our CA / verification settings.
 */
import { lookup } from 'node:dns/promises';
import type * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { classifyProxyError } from './classify.js';
import { socksHandshake } from './socks-handshake.js';
import type { TargetTlsOptions, TunnelProxy } from './types.js';

type ConnectOptions = Parameters<SocksProxyAgent['connect']>[1];

export class SocksTunnelAgent extends SocksProxyAgent {
  readonly #proxy: TunnelProxy;
  readonly #timeoutMs: number;
  readonly #tls: TargetTlsOptions;

  constructor(proxy: TunnelProxy, timeoutMs: number, tls: TargetTlsOptions) {
    const host = proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host;
    // No credentials in the base class's URL: socksHandshake negotiates from #proxy, nothing reads the base's copy.
    super(`${proxy.kind}://${host}:${proxy.port}`, { keepAlive: true });
    this.proxy.host = proxy.host;
    this.#tls = tls;
    this.#proxy = proxy;
    this.#timeoutMs = timeoutMs;
  }

  override async connect(req: http.ClientRequest, opts: ConnectOptions): Promise<net.Socket> {
    const name = opts.host;
    if (name === undefined || name === null || name === '') throw classifyProxyError(new Error('no target host'), this.#proxy);
    const port = Number.parseInt(String(opts.port), 10); // a number from https, a string from ws
    const given = new AbortController();
    const onClose = (): void => given.abort();
    req.once('close', onClose);
    try {
      const host = this.#proxy.kind === 'socks5' && net.isIP(name) === 0 ? (await lookup(name)).address : name;
      const socket = await socksHandshake({ proxy: this.#proxy, destination: { host, port }, timeoutMs: this.#timeoutMs, signal: given.signal });
      if (!opts.secureEndpoint) return socket;
      const { host: _host, path: _path, port: _port, ...rest } = opts as ConnectOptions & { path?: unknown };
      const servername = this.#tls.servername ?? opts.servername ?? (net.isIP(name) === 0 ? name : undefined);
      // `host`: the name the certificate is checked against (tls.connect checks `servername || host`,
      // and there is no servername for an IP target: without it, Node checked against "localhost").
      const secure = tls.connect({ ...rest, ...this.#tls, servername, socket, host: name });
      secure.once('error', () => {
        req.destroy();
        socket.destroy();
        secure.destroy();
      });
      return secure;
    } catch (error) {
      throw classifyProxyError(error, this.#proxy);
    } finally {
      req.off('close', onClose);
    }
  }
}
