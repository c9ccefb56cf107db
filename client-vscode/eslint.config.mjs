// ESLint for the VS Code client: typescript-eslint's recommended rules with type information off (fast, no
// project build needed), plus the repository's line length, read from ../.editorconfig ([*.{cs,ts}]
// max_line_length) so C# and TypeScript share one setting.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const here = path.dirname(fileURLToPath(import.meta.url));

function maxLineLength() {
  let section = '';
  for (const line of fs.readFileSync(path.join(here, '..', '.editorconfig'), 'utf8').split(/\r?\n/)) {
    const header = /^\[(.*)\]\s*$/.exec(line);
    if (header) {
      section = header[1];
    } else if (section === '*.{cs,ts}') {
      const value = /^max_line_length\s*=\s*(\d+)/.exec(line);
      if (value) {
        return Number(value[1]);
      }
    }
  }
  throw new Error('.editorconfig has no max_line_length for [*.{cs,ts}]');
}

// The Node globals the E2E driver (e2e/*.mjs) uses.
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Buffer', 'URL', 'fetch']
    .map((name) => [name, 'readonly']));

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'server/**', '.e2e-cache/**', 'e2e/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.mjs'], languageOptions: { globals: nodeGlobals } },
  {
    files: ['**/*.ts', '**/*.mjs'],
    rules: {
      'max-len': ['error', { code: maxLineLength(), ignoreUrls: true, ignoreRegExpLiterals: true }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
