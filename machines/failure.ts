/**
 * A failure as the statechart sees it: plain data with a stable `code`.
 * Guards branch on `code` and on the cloud's error body, never on `message`.
 */

/** The JSON error body the cloud may attach to env, challenge and password answers (PROTOCOL.md section 3). */
export interface CloudErrorBody {
  readonly errorCode?: string;
  readonly errorMsgKey?: string;
  readonly errorMessage?: string;
  /** true: the cloud bans this agent. */
  readonly errorNonRetryable?: boolean;
  /** Do not retry before this many seconds. */
  readonly errorRetryDelaySeconds?: number;
}

export interface Failure {
  /** Stable machine-readable code, e.g. `ENV_NOT_200`, `PROXY_REFUSED`, `TLS_VERIFY_FAILED`. */
  readonly code: string;
  /** Human-readable description. Never contains secrets. */
  readonly message: string;
  /** Epoch milliseconds from the injected clock, when the failure was observed. */
  readonly at: number;
  readonly httpStatus?: number;
  readonly cloud?: CloudErrorBody;
}

/** Narrow an unknown thrown value (an invoke's `error`) to a Failure. */
export function asFailure(error: unknown, fallbackAt: number): Failure {
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    const e = error as Partial<Failure> & { code: string; message?: string };
    return {
      code: e.code,
      message: typeof e.message === 'string' ? e.message : e.code,
      at: typeof e.at === 'number' ? e.at : fallbackAt,
      ...(typeof e.httpStatus === 'number' ? { httpStatus: e.httpStatus } : {}),
      ...(e.cloud ? { cloud: e.cloud } : {}),
    };
  }
  return { code: 'INTERNAL', message: 'unexpected failure', at: fallbackAt };
}
