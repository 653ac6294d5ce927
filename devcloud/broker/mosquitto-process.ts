/**
 * The mosquitto child process: started with the generated configuration, ready when it logs
 * "running", killed on close, and killed when this Node.js process exits (no orphan survives a failed
 * test run that forgot to close the cloud).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../effects/ports.js';
import { BrokerError } from './types.js';

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export interface MosquittoProcess {
  readonly pid: number;
  /** The last lines mosquitto wrote (for error messages). */
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash would: no clean shutdown. Resolves when the process is gone. */
  kill(): Promise<void>;
}

export async function startMosquittoProcess(binary: string, confPath: string, logger: Logger, readyTimeoutMs = 10_000): Promise<MosquittoProcess> {
  installExitHook();
  const child = spawn(binary, ['-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  const lines: string[] = [];
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    running.delete(child);
    resolve();
  }));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new BrokerError('BROKER_START_FAILED', `mosquitto did not start within ${readyTimeoutMs} ms: ${lines.slice(-5).join(' | ')}`)), readyTimeoutMs);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter((l) => l.trim() !== '')) {
        lines.push(line);
        if (lines.length > 50) lines.shift();
        logger.debug('mosquitto', { line });
        if (/ running$/.test(line.trim())) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new BrokerError('BROKER_START_FAILED', `cannot run ${binary}: ${error.message}`, { cause: error }));
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new BrokerError('BROKER_START_FAILED', `mosquitto exited (code ${String(child.exitCode)}): ${lines.slice(-5).join(' | ')}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exit;
    clearTimeout(killer);
  };
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  const kill = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGKILL');
    await exit;
  };
  return { pid: child.pid ?? -1, output: () => lines.join('\n'), stop, kill };
}
