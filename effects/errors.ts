import type { CloudErrorBody, Failure } from '../machines/failure.js';

export interface LinkErrorOptions {
  readonly at?: number;
  readonly httpStatus?: number;
  readonly cloud?: CloudErrorBody;
  readonly cause?: unknown;
}

/**
 * The one error type adapters throw or report. `code` is stable and documented in the README;
 * `message` is for people and must never contain a secret.
 */
export class LinkError extends Error implements Failure {
  readonly code: string;
  readonly at: number;
  readonly httpStatus?: number;
  readonly cloud?: CloudErrorBody;

  constructor(code: string, message: string, options: LinkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LinkError';
    this.code = code;
    this.at = options.at ?? 0;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
    if (options.cloud !== undefined) this.cloud = options.cloud;
  }

  /** The same error stamped with the time it was observed. */
  stamped(at: number): LinkError {
    return new LinkError(this.code, this.message, { at, httpStatus: this.httpStatus, cloud: this.cloud, cause: this.cause });
  }

  toFailure(): Failure {
    return {
      code: this.code,
      message: this.message,
      at: this.at,
      ...(this.httpStatus !== undefined ? { httpStatus: this.httpStatus } : {}),
      ...(this.cloud !== undefined ? { cloud: this.cloud } : {}),
    };
  }
}

export function isLinkError(value: unknown): value is LinkError {
  return value instanceof LinkError;
}

/**
 * Wrap anything thrown into a LinkError. Only LinkErrors keep their code: a raw Node.js error code
 * (`ECONNREFUSED`...) is never passed through as a link code; adapters translate those themselves.
 */
export function toLinkError(value: unknown, fallbackCode: string, at: number): LinkError {
  if (value instanceof LinkError) return value.at === at ? value : value.stamped(at);
  return new LinkError(fallbackCode, value instanceof Error ? value.message : String(value), { at, cause: value });
}
