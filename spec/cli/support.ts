/**
 * Helpers of the CLI tests: the built `dist/cli/main.js` (rebuilt with tsc -p tsconfig.build.json
 * when missing or stale, see ../support/build.ts), and `aclk` child processes (run to completion, or spawned with a line reader).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
/** Builds dist/ when it is missing or stale (shared with the other child-process tests). */
export { ensureBuilt } from '../support/build.js';

/** The environment of the children: no proxy variables, no ACLK_* / NETDATA_CLAIM_* from the caller. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/proxy$/i.test(k) || k.startsWith('ACLK_') || k.startsWith('NETDATA_CLAIM_')) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `aclk ...args` to completion. */
export function aclk(args: readonly string[], timeoutMs = 30_000, env: Record<string, string> = {}): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: childEnv(env), timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running `aclk` child: its stdout lines, its stderr, and its exit. */
export class AclkProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(args: readonly string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [MAIN, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => {
      for (const w of this.waiters.splice(0)) w();
      resolve(code);
    }));
  }

  /** The first stdout line (from index `from`) matching `test`. */
  async line(test: (line: string) => boolean, timeoutMs = 30_000, from = 0): Promise<{ line: string; index: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.lines.findIndex((l, i) => i >= from && test(l));
      if (index >= 0) return { line: this.lines[index] as string, index };
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no matching line (exit ${String(this.child.exitCode)}); stdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, Math.min(1000, deadline - Date.now())));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The `--json` state records printed so far. */
  records(): Record<string, unknown>[] {
    return this.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** A `--json` line of `aclk run` with this state (and, if given, this code). */
export const stateLine = (state: string, code?: string) => (line: string): boolean => {
  if (!line.startsWith('{')) return false;
  const record = JSON.parse(line) as { state?: string; code?: string };
  return record.state === state && (code === undefined || record.code === code);
};
