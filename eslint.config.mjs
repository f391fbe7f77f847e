// typescript-eslint's recommended type-checked rules over src/, test/ and scripts/ (TypeScript parts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // test/e2e/typed-client/ is type-checked and linted by its own test (test/e2e/openapi-client.test.ts)
  // once that has generated the types the client imports; without them every type reads as unresolved.
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test-output/', '.node24/', 'test/e2e/typed-client/', 'src/screen/public/', '**/*.mjs', '**/*.cjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A leading underscore says "unused on purpose" (an Express error handler's next, a destructured-away field).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
);
