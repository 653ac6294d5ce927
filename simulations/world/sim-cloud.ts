/**
 * A simulated cloud API whose env, challenge and password answers are scriptable: success, HTTP
 * errors with cloud error bodies, network errors and timeouts. It answers asynchronously after a
 * latency on the simulated clock and rejects with the same codes as the real HTTPS client.
 */
import { LinkError } from '../../effects/errors.js';
import type { ChallengeRequest, CloudApi, EnvInfo, EnvRequest, MqttCredentials, PasswordRequest } from '../../effects/ports.js';
import type { CloudErrorBody } from '../../machines/failure.js';
import type { SimClock } from './sim-clock.js';

export type CloudEndpoint = 'env' | 'challenge' | 'password';

export type CloudAnswer =
  | { readonly kind: 'ok' }
  | { readonly kind: 'http-error'; readonly status: number; readonly body?: CloudErrorBody }
  | { readonly kind: 'network-error'; readonly code: string }
  | { readonly kind: 'timeout' };

const NOT_OK_CODE: Record<CloudEndpoint, string> = { env: 'ENV_NOT_200', challenge: 'AUTH_CHALLENGE_NOT_200', password: 'AUTH_PASSWORD_NOT_201' };

export interface CloudCall {
  readonly endpoint: CloudEndpoint;
  readonly at: number;
  readonly answer: CloudAnswer['kind'];
}

export interface CloudAnswered {
  readonly endpoint: CloudEndpoint;
  readonly at: number;
  readonly answer: CloudAnswer;
}

/** A request the link has open (sent, neither answered nor aborted). */
export interface OpenRequest {
  readonly endpoint: CloudEndpoint;
  readonly at: number;
}

export class SimCloud implements CloudApi {
  readonly calls: CloudCall[] = [];
  /** Requests open right now (the oracle's record of what the link holds). */
  readonly open = new Set<OpenRequest>();
  /** Called when an open request ends (answered or aborted), with its end time. */
  onEnd: (request: OpenRequest, endedAt: number, how: 'answered' | 'aborted') => void = () => undefined;
  /** Answers actually delivered (not aborted), in order. */
  readonly answered: CloudAnswered[] = [];
  /** Called when an answer is delivered. */
  onAnswer: (answered: CloudAnswered) => void = () => undefined;
  latencyMs = 20;
  /** Answer used when nothing is scripted. */
  fallback: CloudAnswer = { kind: 'ok' };
  transports: EnvInfo['transports'] = [{ type: 'MQTTv5', endpoint: 'wss://broker.sim:443/mqtt' }];
  envBackoff: EnvInfo['backoff'] = { base: 2, minSeconds: 0, maxSeconds: 1024 };
  /** Called synchronously at every request: the simulation checks that the link may talk now. */
  onCall: (call: CloudCall) => void = () => undefined;
  private readonly scripts: Record<CloudEndpoint, CloudAnswer[]> = { env: [], challenge: [], password: [] };
  private issued = 0;
  /**
   * The aborts of the requests made one after the other with the same signal (auth's challenge and
   * password), behind one 'abort' listener: adding a listener to an AbortSignal costs more than the rest
   * of a request here (and a WeakMap by signal would cost as much again).
   */
  private lastSignal: AbortSignal | null = null;
  private lastAborts: Array<() => void> = [];
  /** The challenge, the same every time (nothing writes to it): not an allocation per attempt. */
  private readonly challengeBytes = new Uint8Array(256).fill(7);
  idleClosed = 0;

  /**
   * `log`: keep `calls` and `answered` (default). The benchmarks turn it off: nobody reads them there,
   * and a log of every request of a long run is garbage the collector keeps moving.
   */
  constructor(private readonly clock: SimClock, private readonly log = true) {}

  clearScripts(): void {
    for (const list of Object.values(this.scripts)) list.length = 0;
  }

  /** Queue answers for the next requests to an endpoint. */
  script(endpoint: CloudEndpoint, ...answers: CloudAnswer[]): void {
    this.scripts[endpoint].push(...answers);
  }

  env(request: EnvRequest): Promise<EnvInfo> {
    return this.answer('env', request.signal, () => ({
      authEndpoint: `${request.cloudUrl}/api/v1/auth`,
      encoding: 'proto',
      transports: this.transports,
      ...(this.envBackoff ? { backoff: this.envBackoff } : {}),
      capabilities: ['proto', 'ctx'],
    }));
  }

  challenge(request: ChallengeRequest): Promise<Uint8Array> {
    return this.answer('challenge', request.signal, () => this.challengeBytes);
  }

  password(request: PasswordRequest): Promise<MqttCredentials> {
    return this.answer('password', request.signal, () => {
      this.issued += 1;
      return {
        clientId: request.claimId,
        username: request.claimId,
        password: `sim-secret-${this.issued}`,
        topics: {
          'inbox-cmd': `/agent/${request.claimId}/inbound/v2/cmd`,
          'agent-connection': `/agent/${request.claimId}/outbound/v1/connection`,
          chart: `/agent/${request.claimId}/outbound/v1/chart`,
        },
      };
    });
  }

  closeIdle(): void {
    this.idleClosed += 1;
  }

  private answer<T>(endpoint: CloudEndpoint, signal: AbortSignal, ok: () => T): Promise<T> {
    const answer = this.scripts[endpoint].shift() ?? this.fallback;
    const call = { endpoint, at: this.clock.now(), answer: answer.kind };
    if (this.log) this.calls.push(call);
    const request: OpenRequest = { endpoint, at: call.at };
    this.open.add(request);
    this.onCall(call);
    return new Promise<T>((resolve, reject) => {
      let timer: unknown = null;
      const aborted = () => {
        if (!this.open.has(request)) return; // answered already
        if (timer !== null) this.clock.clearTimeout(timer);
        this.end(request, 'aborted');
        reject(new LinkError('ABORTED', `${endpoint} request aborted`, { at: this.clock.now() }));
      };
      if (signal.aborted) return aborted();
      // Not removed when the answer comes (a removal costs more than the call it saves): an abort after
      // the answer finds the request ended and does nothing.
      this.whenAborted(signal, aborted);
      if (answer.kind !== 'timeout') timer = this.clock.setTimeout(() => {
        const at = this.clock.now();
        this.end(request, 'answered');
        const delivered = { endpoint, at, answer };
        if (this.log) this.answered.push(delivered);
        this.onAnswer(delivered);
        if (answer.kind === 'ok') resolve(ok());
        else if (answer.kind === 'network-error') reject(new LinkError(answer.code, `${endpoint}: ${answer.code}`, { at }));
        else reject(new LinkError(NOT_OK_CODE[endpoint], `${endpoint} answered HTTP ${answer.status}`, { at, httpStatus: answer.status, ...(answer.body ? { cloud: answer.body } : {}) }));
      }, this.latencyMs);
    });
  }

  private whenAborted(signal: AbortSignal, aborted: () => void): void {
    if (signal === this.lastSignal) {
      this.lastAborts.push(aborted);
      return;
    }
    const aborts = [aborted];
    this.lastSignal = signal;
    this.lastAborts = aborts;
    signal.addEventListener('abort', () => { for (const abort of aborts) abort(); }, { once: true });
  }

  private end(request: OpenRequest, how: 'answered' | 'aborted'): void {
    if (this.open.delete(request)) this.onEnd(request, this.clock.now(), how);
  }
}

/** The simulated cloud "encrypts" with the identity function, so decryption is too. */
export const simDecryptor = { decrypt: async (challenge: Uint8Array) => challenge };
