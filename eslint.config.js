// ESLint (flat config) with typescript-eslint. The layer table itself is enforced by
// dependency-cruiser (.dependency-cruiser.cjs); here: code quality, and `electron` only in
// main/host/electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'renderer/dist/**', 'test-results/**', '.kiosk-data/**', 'models/**/*.onnx'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly', Buffer: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', queueMicrotask: 'readonly',
        performance: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', URL: 'readonly', AbortController: 'readonly',
        AbortSignal: 'readonly', structuredClone: 'readonly', fetch: 'readonly', crypto: 'readonly', NodeJS: 'readonly',
        window: 'readonly', document: 'readonly', navigator: 'readonly', localStorage: 'readonly', WebSocket: 'readonly',
        HTMLElement: 'readonly', Event: 'readonly', KeyboardEvent: 'readonly', requestAnimationFrame: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only main/host/electron may import electron.' }] }],
    },
  },
  {
    files: ['main/host/electron/**', 'renderer/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
  {
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
