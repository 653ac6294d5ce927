/**
 * A minimal router: method + path pattern (`/api/v1/auth/node/:claimId/challenge`) to a handler.
 * Unknown paths answer 404, known paths with another method 405, both with a cloud error body; a
 * handler that throws answers 400 (BadRequest) or 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../effects/ports.js';
import { BadRequest, sendCloudError } from './http-util.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

interface Route {
  readonly method: Method;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  constructor(private readonly logger?: Logger) {}

  add(method: Method, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: split(pattern), handler });
    return this;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://dev-cloud.invalid');
    const path = split(url.pathname);
    let pathKnown = false;
    for (const route of this.routes) {
      const params = match(route.segments, path);
      if (params === null) continue;
      pathKnown = true;
      if (route.method !== req.method) continue;
      try {
        await route.handler({ req, res, url, params });
      } catch (error) {
        if (error instanceof BadRequest) {
          sendCloudError(res, 400, { errorMsgKey: 'ErrBadRequest', errorMessage: error.message });
        } else {
          this.logger?.error('dev cloud: handler failed', { path: url.pathname, error: String(error) });
          sendCloudError(res, 500, { errorMsgKey: 'ErrInternal', errorMessage: 'internal error' });
        }
      }
      return;
    }
    // Drain any body so a kept-alive connection stays usable.
    req.resume();
    if (pathKnown) sendCloudError(res, 405, { errorMsgKey: 'ErrMethodNotAllowed', errorMessage: `${req.method ?? '?'} not allowed here` });
    else sendCloudError(res, 404, { errorMsgKey: 'ErrNotFound', errorMessage: 'no such endpoint' });
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function match(pattern: readonly string[], path: readonly string[]): Record<string, string> | null {
  if (pattern.length !== path.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const p = pattern[i] as string;
    const s = path[i] as string;
    if (p.startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(s);
      } catch {
        return null;
      }
      params[p.slice(1)] = value;
    } else if (p !== s) {
      return null;
    }
  }
  return params;
}
