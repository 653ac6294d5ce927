// @ts-check
/**
 * Mutation testing (`npm run mutate`): StrykerJS with its vitest runner over the core of the link.
 * Incremental: a rerun after a small change tests only the mutants of the changed code and of the
 * changed tests (bench/results/stryker-incremental.json). `--mutate 'machines/**\/*.ts'` narrows a run.
 * The reports land in bench/results/mutation/ (JSON kept, HTML and a clear-text summary beside it).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  // related: false — vitest's related-file search misses specs that reach the core through the link and the simulated world.
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner', './stryker.summary.mjs'],
  mutate: [
    'machines/**/*.ts',
    'effects/**/*.ts',
    'link/state.ts',
    'link/recording-sanitize.ts',
    'adapters/config/**/*.ts',
    'adapters/proxy/**/*.ts',
    'adapters/mqtt/cmd-relay.ts',
    '!**/*.spec.ts',
    '!**/gen/**',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  incremental: true,
  incrementalFile: 'bench/results/stryker-incremental.json',
  // Tests here take milliseconds; a mutant that loops (an endless while loop) is cut after 5 s more.
  timeoutMS: 5_000,
  checkers: [],
  ignorePatterns: ['dist', 'coverage', 'bench/results', '.stryker-tmp', 'node_modules'],
  reporters: ['clear-text', 'progress-append-only', 'json', 'html', 'summary'],
  jsonReporter: { fileName: 'bench/results/mutation/mutation.json' },
  htmlReporter: { fileName: 'bench/results/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
