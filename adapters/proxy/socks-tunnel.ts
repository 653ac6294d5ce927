/**
 * SOCKS5 tunnel agent: socks-proxy-agent, which resolves the target locally for `socks5:` and lets
 * the proxy resolve it for `socks5h:` (its `shouldLookup`). Two changes:
 * 1. Its `timeout` option bounds the SOCKS negotiation but then stays on the tunnel as an idle timeout
 *    that silently destroys it (fatal for a quiet MQTT WebSocket). So the timeout is set only while
 *    `connect()` starts (socks-proxy-agent reads it synchronously) and the idle timer is removed
 *    from the raw socket once the tunnel is up.
 * 2. IPv6 proxy addresses: it takes `url.hostname`, which keeps the brackets; we strip them.
 */
import type * as http from 'node:http';
import type * as net from 'node:net';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { classifyProxyError } from './classify.js';
import type { TargetTlsOptions, TunnelProxy } from './types.js';

type ConnectOptions = Parameters<SocksProxyAgent['connect']>[1];

export class SocksTunnelAgent extends SocksProxyAgent {
  readonly #proxy: TunnelProxy;
  readonly #timeoutMs: number;
  readonly #tls: TargetTlsOptions;

  constructor(proxy: TunnelProxy, timeoutMs: number, tls: TargetTlsOptions) {
    const host = proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host;
    const userinfo = proxy.username === undefined
      ? ''
      : `${encodeURIComponent(proxy.username)}:${encodeURIComponent(proxy.password ?? '')}@`;
    super(`${proxy.kind}://${userinfo}${host}:${proxy.port}`, { keepAlive: true });
    this.proxy.host = proxy.host;
    this.#tls = tls;
    this.#proxy = proxy;
    this.#timeoutMs = timeoutMs;
  }

  override async connect(req: http.ClientRequest, opts: ConnectOptions): Promise<net.Socket> {
    let raw: net.Socket | undefined;
    const onProxy = (info: { socket: net.Socket }) => {
      raw = info.socket;
    };
    req.once('proxy', onProxy);
    this.timeout = this.#timeoutMs;
    try {
      const pending = super.connect(req, { ...opts, ...this.#tls });
      this.timeout = null;
      const socket = await pending;
      raw?.setTimeout(0);
      raw?.removeAllListeners('timeout');
      return socket;
    } catch (error) {
      throw classifyProxyError(error, this.#proxy);
    } finally {
      this.timeout = null;
      req.off('proxy', onProxy);
    }
  }
}
