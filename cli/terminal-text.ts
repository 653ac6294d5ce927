/**
 * Text for people's terminals. Much of what the CLI prints comes from outside (the cloud's error
 * bodies, cmd paths, node names, a configuration file), and a control character in it would act on
 * the terminal: ESC starts colour, cursor and OSC sequences (window title, hyperlinks, clipboard), CR
 * and LF forge whole lines, bidi overrides reorder what is shown. Every such character is printed as a
 * visible escape instead (`\x1b`, `\r`, `\u202e`). JSON output (`--json`) keeps the exact text:
 * JSON.stringify escapes the C0 controls, and terminalJson the rest (DEL, C1, bidi) as `\u` escapes.
 */

/**
 * C0 controls and DEL, C1 controls (U+0080-U+009F), the bidi embeddings and overrides
 * (U+202A-U+202E), the bidi isolates (U+2066-U+2069), the bidi marks (U+200E, U+200F, U+061C) and the
 * Unicode line and paragraph separators (U+2028, U+2029).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same set, with LF and TAB allowed (multi-line text such as a cmd answer body). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text safe to print: every control character (LF and TAB included) made visible. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** Several lines of text safe to print: LF and TAB are kept, every other control character made visible. */
export function terminalBlock(text: string): string {
  return text.replace(UNSAFE_IN_BLOCK, visible);
}

/** The characters JSON.stringify leaves raw that a terminal still acts on (DEL, C1, bidi, separators). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON.stringify, safe to print: the exact same value once parsed, with DEL, C1 and the bidi controls
 * written as `\u` escapes too (they can only occur inside strings, where `\u` escapes are valid JSON).
 */
export function terminalJson(value: unknown): string {
  return terminalJsonText(JSON.stringify(value));
}

/** Text that JSON.stringify wrote (whatever its indentation), made safe to print the same way. */
export function terminalJsonText(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
