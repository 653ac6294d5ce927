/** Small request/response helpers for the dev cloud's handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

/** The cloud's JSON error body (PROTOCOL.md section 3). */
export interface CloudError {
  readonly errorCode?: string;
  readonly errorMsgKey: string;
  readonly errorMessage: string;
  readonly errorNonRetryable?: boolean;
  readonly errorRetryDelaySeconds?: number;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendRaw(res, status, JSON.stringify(body), 'application/json');
}

export function sendRaw(res: ServerResponse, status: number, body: string, contentType: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

export function sendCloudError(res: ServerResponse, status: number, error: CloudError): void {
  sendJson(res, status, { errorCode: error.errorCode ?? randomBytes(8).toString('hex'), ...error });
}

export class BadRequest extends Error {}

const MAX_BODY = 64 * 1024;

/** Reads the whole body (at most 64 KiB, else BadRequest). */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BadRequest('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Reads and parses a JSON body (BadRequest when it is not JSON). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new BadRequest('request body is not valid JSON');
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
