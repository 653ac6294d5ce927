// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node built-in modules that do I/O or touch the process: forbidden in the pure layers. */
const nodeIo = ['fs', 'fs/promises', 'net', 'tls', 'http', 'https', 'http2', 'dgram', 'dns', 'child_process', 'worker_threads', 'cluster', 'os', 'process', 'readline', 'stream', 'timers', 'timers/promises', 'crypto', 'path', 'url', 'v8', 'vm', 'zlib'];
/** Third-party network modules: forbidden in the pure layers. */
const networkPackages = ['mqtt', 'ws', 'https-proxy-agent', 'socks-proxy-agent', 'aedes'];

const purityRule = (extraPatterns) => ({
  'no-restricted-imports': ['error', {
    paths: [...nodeIo, ...networkPackages].map((name) => ({ name, message: 'machines/ and effects/ do no I/O: go through a port.' })),
    patterns: [
      { group: ['node:*'], message: 'machines/ and effects/ import no Node.js module: go through a port.' },
      { group: ['**/adapters/**', '**/adapters'], message: 'machines/ and effects/ never import adapters/.' },
      ...extraPatterns,
    ],
  }],
  'no-restricted-properties': ['error',
    { object: 'Date', property: 'now', message: 'Time is injected (Clock port / event timestamps).' },
    { object: 'Math', property: 'random', message: 'Randomness is injected.' },
  ],
  'no-restricted-globals': ['error',
    { name: 'setTimeout', message: 'Timers come from the injected clock.' },
    { name: 'setInterval', message: 'Timers come from the injected clock.' },
    { name: 'process', message: 'No process access in the pure layers.' },
  ],
  'no-restricted-syntax': ['error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the wall clock: use the injected clock.' },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'adapters/messages/gen/**', '.stryker-tmp/**', 'bench/results/mutation/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', Buffer: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', queueMicrotask: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['machines/**/*.ts'],
    rules: purityRule([{ group: ['**/effects/**', '**/link/**', 'rxjs', 'rxjs/*'], message: 'machines/ imports only xstate and local types.' }]),
  },
  {
    files: ['effects/**/*.ts'],
    rules: purityRule([{ group: ['**/link/**'], message: 'effects/ are written against ports only.' }]),
  },
);
