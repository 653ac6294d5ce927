/** The order statistics the benchmarks report. */

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] ?? 0 : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** The value at rank `floor((n - 1) * q)` of the sorted values (q = 0.25: the lower quartile); 0 for none. */
export const quantile = (xs: readonly number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)] ?? 0;
