/**
 * A few checks for the shapes of the cloud's JSON answers, with the first problem as `path: message`.
 * Hand-written rather than a schema library: the three answers need strings, whole numbers, arrays,
 * objects (unknown keys ignored), one enum and an optional field, and a library cost the link 8 MB
 * on disk and most of its load time (issue 15).
 */
export interface Issue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}
export type Parsed<T> = { readonly success: true; readonly data: T } | { readonly success: false; readonly error: Issue };

export interface Shape<T> {
  safeParse(value: unknown): Parsed<T>;
}

class Failed extends Error {
  constructor(readonly issue: Issue) {
    super(issue.message);
  }
}

type Check<T> = (value: unknown, path: readonly (string | number)[]) => T;

const fail = (path: readonly (string | number)[], message: string): never => {
  throw new Failed({ path, message });
};

function shape<T>(check: Check<T>): Shape<T> & { readonly check: Check<T> } {
  return {
    check,
    safeParse(value) {
      try {
        return { success: true, data: check(value, []) };
      } catch (error) {
        if (error instanceof Failed) return { success: false, error: error.issue };
        throw error;
      }
    },
  };
}

export type Of<S> = S extends Shape<infer T> ? T : never;

export const string = (min = 0) => shape((v, path) =>
  (typeof v !== 'string' ? fail(path, 'expected a string') : v.length < min ? fail(path, `expected at least ${min} character(s)`) : v));

export const int = (min: number, max = Number.MAX_SAFE_INTEGER) => shape((v, path) =>
  (typeof v !== 'number' || !Number.isSafeInteger(v) ? fail(path, 'expected a whole number')
    : v < min || v > max ? fail(path, `expected a whole number from ${min} to ${max}`) : v));

export const oneOf = <const T extends string>(values: readonly T[]) => shape((v, path) =>
  (typeof v === 'string' && (values as readonly string[]).includes(v) ? v as T : fail(path, `expected one of ${values.join(', ')}`)));

export const array = <T>(item: Shape<T> & { check: Check<T> }, min = 0) => shape((v, path) => {
  if (!Array.isArray(v)) return fail(path, 'expected an array');
  if (v.length < min) return fail(path, `expected at least ${min} item(s)`);
  return v.map((x, i) => item.check(x, [...path, i]));
});

type Fields = Record<string, Shape<unknown> & { check: Check<unknown>; optional?: true }>;
type ObjectOf<F extends Fields> = { [K in keyof F]: F[K] extends { optional: true } ? Of<F[K]> | undefined : Of<F[K]> };

/** An object with these fields (unknown keys are ignored and not kept). */
export const object = <F extends Fields>(fields: F) => shape((v, path) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, 'expected an object');
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    const value = (v as Record<string, unknown>)[key];
    if (value === undefined && field.optional === true) continue;
    out[key] = field.check(value, [...path, key]);
  }
  return out as ObjectOf<F>;
});

export const optional = <T>(inner: Shape<T> & { check: Check<T> }) => ({ ...shape<T | undefined>((v, path) => (v === undefined ? undefined : inner.check(v, path))), optional: true as const });

/** `inner`, then `test` (false: `message`) and `map`. */
export const refine = <T, U = T>(inner: Shape<T> & { check: Check<T> }, test: (value: T) => boolean, message: string, map?: (value: T) => U) =>
  shape((v, path) => {
    const value = inner.check(v, path);
    if (!test(value)) fail(path, message);
    return (map ? map(value) : value) as U;
  });

/** The first problem, as `path: message`, for error messages. */
export function firstIssue(issue: Issue): string {
  return `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`;
}
