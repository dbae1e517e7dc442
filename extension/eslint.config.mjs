// ESLint configuration: the JupyterLab extension template's (eslint recommended, typescript-eslint
// recommended, @jupyter/eslint-plugin recommended, the template's naming/quotes/curly/eqeqeq rules,
// prettier last), extended to the browser tests' TypeScript and the hand-written CommonJS files.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import prettierRecommended from 'eslint-plugin-prettier/recommended';
import globals from 'globals';
import jupyterPlugin from '@jupyter/eslint-plugin';

const root = import.meta.dirname;

export default defineConfig([
  {
    ignores: [
      'node_modules',
      '**/node_modules',
      'dist',
      'coverage',
      'lib',
      'servebook_lab',
      '**/*.d.ts',
      'eslint.config.mjs',
      '.venv',
      'ui-tests/test-results',
      'ui-tests/playwright-report'
    ]
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    plugins: {
      jupyter: jupyterPlugin
    }
  },
  jupyterPlugin.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      globals: {
        ...globals.browser,
        ...globals.es2015,
        ...globals.node
      },
      parserOptions: {
        project: 'tsconfig.json',
        tsconfigRootDir: root,
        sourceType: 'module'
      }
    },
    rules: {
      '@typescript-eslint/naming-convention': [
        'error',
        {
          selector: 'interface',
          format: ['PascalCase'],
          custom: {
            regex: '^I[A-Z]',
            match: true
          }
        }
      ],
      '@typescript-eslint/no-unused-vars': ['warn', { args: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-use-before-define': 'off',
      '@typescript-eslint/quotes': [
        'error',
        'single',
        { avoidEscape: true, allowTemplateLiterals: false }
      ],
      // The model and the sidebar panel are needed as activation runs (the panel's tab is in the
      // shell from the start), so they load with the plugin; the inspector loads on first use.
      'jupyter/prefer-lazy-imports': [
        'warn',
        { ignoreImports: ['./model', './widgets/ModelsPanel'] }
      ],
      curly: ['error', 'all'],
      eqeqeq: 'error',
      'prefer-arrow-callback': 'error'
    }
  },
  {
    // The browser tests have their own tsconfig (Playwright compiles them, not the extension's tsc).
    files: ['ui-tests/**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: 'ui-tests/tsconfig.json',
        tsconfigRootDir: root
      }
    }
  },
  {
    // The unit tests, the Playwright configuration and its helpers are CommonJS scripts run by node.
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        ...globals.node
      }
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off'
    }
  },
  prettierRecommended
]);
