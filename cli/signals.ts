/**
 * Process signals for long-running commands: resolves on the first SIGINT or SIGTERM (a second one
 * while shutting down exits at once with 130), and calls `onHup` on every SIGHUP.
 */
export interface SignalWait {
  /** Resolves with the signal that asked the command to stop. */
  readonly stopped: Promise<NodeJS.Signals>;
  /** Removes the handlers. */
  dispose(): void;
}

export function waitForStopSignal(onHup?: () => void): SignalWait {
  let stopping = false;
  let resolveStop: (signal: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    resolveStop = resolve;
  });
  const onStop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without waiting\n`);
      process.exit(130);
    }
    stopping = true;
    resolveStop(signal);
  };
  const hup = (): void => onHup?.();
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  if (onHup) process.on('SIGHUP', hup);
  return {
    stopped,
    dispose() {
      process.off('SIGINT', onStop);
      process.off('SIGTERM', onStop);
      process.off('SIGHUP', hup);
    },
  };
}
