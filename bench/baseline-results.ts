/**
 * bench/results/baseline.json across partial runs: a part not measured this time (throughput,
 * connect or memory of a broker, e.g. `BASELINE_CONNECT_RUNS=0 BASELINE_MEMORY_N=0`) keeps its rows and
 * details from the previous file, each marked with the date of the run that measured it (`from`).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Row } from './baseline-support.js';

export const PARTS = ['throughput', 'connect', 'memory'] as const;
export type Part = (typeof PARTS)[number];
export type Broker = 'mosquitto' | 'aedes';
export const BROKERS: readonly Broker[] = ['mosquitto', 'aedes'];

/** A row of the file: `from` is the date of an earlier run it was kept from. */
export interface ResultRow extends Row {
  readonly from?: string;
}

export interface BaselineFile {
  readonly date: string;
  readonly rows: readonly ResultRow[];
  readonly details: Record<string, Record<string, unknown>>;
}

/** The results of this run: per broker, the parts it measured (rows without the broker prefix). */
export type RunResults = Partial<Record<Broker, Partial<Record<Part, { rows: Row[]; details: unknown }>>>>;

const partOf = (row: Row, broker: Broker): Part | undefined =>
  PARTS.find((part) => row.benchmark.startsWith(`${broker}: ${part}`));

export function readPrevious(file: string): BaselineFile | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BaselineFile;
  } catch {
    return null;
  }
}

/** This run's rows and details, with the parts it did not measure taken from `previous`. */
export function mergeResults(run: RunResults, previous: BaselineFile | null): { rows: ResultRow[]; details: Record<string, Record<string, unknown>> } {
  const rows: ResultRow[] = [];
  const details: Record<string, Record<string, unknown>> = {};
  for (const broker of BROKERS) {
    const mine = run[broker] ?? {};
    for (const part of PARTS) {
      const measured = mine[part];
      if (measured) {
        rows.push(...measured.rows.map((r) => ({ ...r, benchmark: `${broker}: ${r.benchmark}` })));
        (details[broker] ??= {})[part] = measured.details;
        continue;
      }
      const kept = previous?.rows.filter((r) => partOf(r, broker) === part) ?? [];
      const from = (r: ResultRow): string => r.from ?? previous?.date.slice(0, 10) ?? 'unknown';
      rows.push(...kept.map((r) => ({ ...r, from: from(r) })));
      const old = previous?.details[broker]?.[part];
      if (old !== undefined) {
        const oldFrom = (old as { from?: string }).from ?? previous?.date.slice(0, 10) ?? 'unknown';
        (details[broker] ??= {})[part] = { ...(old as Record<string, unknown>), from: oldFrom };
      }
    }
  }
  return { rows, details };
}
