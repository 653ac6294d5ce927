/**
 * How every command fails: ONE line `CODE: message` on stderr and a non-zero exit, never a stack
 * trace. LinkErrors keep their stable code; commander's usage errors become `CLI_USAGE`; anything
 * else is `INTERNAL_ERROR` (the stack only with ACLK_DEBUG=1).
 */
import { CommanderError } from 'commander';
import { TLS_VERIFY_ADVICE } from '../adapters/cloud-api/transport-errors.js';
import { LinkError } from '../effects/errors.js';
import { terminalBlock, terminalText } from './terminal-text.js';

/**
 * Exit codes: 0 ok, 1 a runtime failure (coded), 2 a usage error (bad flags, a file named on the
 * command line that is missing or unusable), 3 an invalid configuration at start (CONFIG_*: netdata.conf,
 * cloud.conf, claim.conf, the environment; restarting cannot help until it is fixed).
 */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_CONFIG = 3;

/** A failure the CLI itself reports; `exitCode` 2 for usage problems, 3 for configuration ones. */
export class CliError extends LinkError {
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode = EXIT_FAILURE) {
    super(code, message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string): CliError => new CliError('CLI_USAGE', message, EXIT_USAGE);

/**
 * A TLS_VERIFY_FAILED error with the command's own advice (its flags) in place of the generic one, so
 * the message gives one piece of advice, not two. Any other error is returned as it is.
 */
export function withTlsAdvice(error: unknown, advice: string): unknown {
  if (!(error instanceof LinkError) || error.code !== 'TLS_VERIFY_FAILED') return error;
  const message = error.message.includes(TLS_VERIFY_ADVICE) ? error.message.replace(TLS_VERIFY_ADVICE, advice) : `${error.message}. ${advice}`;
  return new CliError(error.code, message);
}

/**
 * One line, whatever the message contains: line breaks (and the blanks around them) become one space,
 * every other control character a visible escape (terminal-text.ts).
 */
export const oneLine = (text: string): string => terminalText(text.replace(/\s*[\r\n]+\s*/g, ' ').trim());

export interface Reported {
  readonly line: string;
  readonly exitCode: number;
}

/** commander's `error: unknown option '--x'` → `unknown option '--x'`. */
const commanderText = (error: CommanderError): string => oneLine(error.message.replace(/^error:\s*/i, ''));

export function describeFailure(error: unknown, commandPath = 'aclk'): Reported {
  if (error instanceof CliError) return { line: `${oneLine(error.code)}: ${oneLine(error.message)}`, exitCode: error.exitCode };
  if (error instanceof LinkError) return { line: `${oneLine(error.code)}: ${oneLine(error.message)}`, exitCode: EXIT_FAILURE };
  if (error instanceof CommanderError) {
    return { line: `CLI_USAGE: ${commanderText(error)} (see ${commandPath} --help)`, exitCode: EXIT_USAGE };
  }
  const text = error instanceof Error ? error.message : String(error);
  // Other coded errors (the dev cloud's BrokerError, Node.js system errors such as EADDRINUSE).
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return { line: `${code}: ${oneLine(text)}`, exitCode: EXIT_FAILURE };
  return { line: `INTERNAL_ERROR: ${oneLine(text)}`, exitCode: EXIT_FAILURE };
}

/** Prints the one line (and, with ACLK_DEBUG=1, the stack) and returns the exit code. */
export function reportFailure(error: unknown, commandPath?: string): number {
  const reported = describeFailure(error, commandPath);
  process.stderr.write(`${reported.line}\n`);
  if (process.env.ACLK_DEBUG === '1' && error instanceof Error && error.stack) process.stderr.write(`${terminalBlock(error.stack)}\n`);
  return reported.exitCode;
}
