/**
 * The JSONL recording of a link run (version 1): one header line, then event and state lines in
 * the order they happened, numbered by one `seq` counter. Shared by the recorder and the replayer.
 */
import type { LinkInput } from '../machines/types.js';

export const RECORDING_VERSION = 1;

export interface HeaderLine {
  readonly kind: 'header';
  readonly version: number;
  readonly linkVersion: string;
  readonly xstate: string;
  readonly node: string;
  readonly seed: number;
  readonly policy: string;
  /** The machine's input, sanitised. */
  readonly input: LinkInput;
}

/** An input of the root actor: host, effect result (done/error), transport or delayed event. */
export interface EventLine {
  readonly kind: 'event';
  readonly seq: number;
  /** The recording clock when the event was delivered (epoch ms). */
  readonly at: number;
  readonly event: { readonly type: string; readonly [key: string]: unknown };
}

export interface TimelineEntry {
  /** Machine time (the context's `now`) of the change. */
  readonly at: number;
  readonly state: string;
  readonly reason: string;
  readonly code: string;
}

export interface StateLine extends TimelineEntry {
  readonly kind: 'state';
  readonly seq: number;
}

export type RecordLine = HeaderLine | EventLine | StateLine;

export const isDelayedEvent = (type: string): boolean => type.startsWith('xstate.after.');
