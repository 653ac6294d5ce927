/**
 * HTTP CONNECT tunnel agent: https-proxy-agent with three changes.
 * 1. Credentials go in our own `Proxy-Authorization` header, never in a URL (no double encoding).
 * 2. Only a 200 answer opens the tunnel: https-proxy-agent replays any other answer to the caller as
 *    if the target had sent it; we reject with PROXY_REFUSED / PROXY_AUTH_FAILED instead.
 * 3. TLS options for the target are merged into every connect: https-proxy-agent's constructor
 *    resets `this.options`, so agent-level `ca` / `rejectUnauthorized` would otherwise never reach
 *    the TLS upgrade inside the tunnel.
 * 4. Negotiation (TCP connect to the proxy + CONNECT answer) is bounded: https-proxy-agent has no
 *    timeout of its own, so each connection gets an AbortSignal through `connectOpts`, which
 *    https-proxy-agent passes to `net.connect` synchronously at the start of `connect()`; aborting
 *    destroys that socket, so nothing is left hanging.
 */
import type * as http from 'node:http';
import * as tls from 'node:tls';
import type * as net from 'node:net';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { classifyProxyError, proxyStatusError, proxyTimeoutError } from './classify.js';
import type { TargetTlsOptions, TunnelProxy } from './types.js';

type ConnectOptions = Parameters<HttpsProxyAgent<string>['connect']>[1];
interface ProxyConnectAnswer {
  readonly statusCode: number;
  readonly statusText: string;
}

export class HttpTunnelAgent extends HttpsProxyAgent<string> {
  readonly #proxy: TunnelProxy;
  readonly #timeoutMs: number;
  readonly #tls: TargetTlsOptions;

  constructor(proxy: TunnelProxy, timeoutMs: number, tls: TargetTlsOptions) {
    const host = proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host;
    const headers: Record<string, string> = {};
    if (proxy.username !== undefined) {
      const pair = `${proxy.username}:${proxy.password ?? ''}`; // UTF-8 (Buffer.from's default)
      headers['Proxy-Authorization'] = `Basic ${Buffer.from(pair).toString('base64')}`;
    }
    super(`http://${host}:${proxy.port}`, { keepAlive: true, headers });
    this.#proxy = proxy;
    this.#tls = tls;
    this.#timeoutMs = timeoutMs;
  }

  override async connect(req: http.ClientRequest, opts: ConnectOptions): Promise<net.Socket> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(proxyTimeoutError(this.#timeoutMs, this.#proxy)), this.#timeoutMs);
    let answer: ProxyConnectAnswer | undefined;
    const onAnswer = (connect: ProxyConnectAnswer) => {
      answer = connect;
    };
    req.once('proxyConnect', onAnswer);
    const base = this.connectOpts;
    this.connectOpts = { ...base, signal: controller.signal };
    try {
      const pending = super.connect(req, { ...opts, ...this.#tls, ...identityOf(opts) });
      this.connectOpts = base;
      const socket = await pending;
      if (answer !== undefined && answer.statusCode !== 200) {
        socket.destroy();
        throw proxyStatusError(answer.statusCode, answer.statusText, this.#proxy);
      }
      return socket;
    } catch (error) {
      throw classifyProxyError(error, this.#proxy);
    } finally {
      this.connectOpts = base;
      clearTimeout(timer);
      req.off('proxyConnect', onAnswer);
    }
  }
}

/**
 * The certificate is checked against the target, whatever it is: https-proxy-agent drops `host` before
 * `tls.connect`, which then checks `servername || host || 'localhost'`, and an IP target has no servername,
 * so a target addressed by IP was checked against "localhost".
 */
function identityOf(opts: ConnectOptions) {
  const target = opts.secureEndpoint ? opts.host : undefined;
  if (target === undefined || target === null || target === '') return {};
  return { checkServerIdentity: (_name: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(target, cert) };
}
