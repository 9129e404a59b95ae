// Layer rules: data flows parse -> model -> sim -> check -> front ends.
// Only src/vscode may import `vscode`; model, sim and check never touch tree-sitter.
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/vscode/ may import vscode.' };
const noTreeSitter = { name: 'web-tree-sitter', message: 'Only src/parse/ may use tree-sitter.' };
const layer = (files, paths, patterns = []) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'media/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error',
        { object: 'it', property: 'only', message: 'No focused tests.' },
        { object: 'describe', property: 'only', message: 'No focused tests.' },
        { object: 'test', property: 'only', message: 'No focused tests.' },
        { object: 'it', property: 'skip', message: 'No skipped tests.' },
        { object: 'describe', property: 'skip', message: 'No skipped tests.' },
        { object: 'test', property: 'skip', message: 'No skipped tests.' }],
    },
  },
  layer(['src/parse/**'], [noVscode], [{ group: ['**/sim/*', '**/check/*', '**/cli/*', '**/vscode/*'], message: 'parse/ sits below sim, check and the front ends.' }]),
  layer(['src/model/**'], [noVscode, noTreeSitter], [{ group: ['**/parse/*', '**/sim/*', '**/check/*', '**/cli/*', '**/vscode/*'], message: 'model/ is pure data and logic.' }]),
  layer(['src/sim/**'], [noVscode, noTreeSitter], [{ group: ['**/parse/*', '**/check/*', '**/cli/*', '**/vscode/*'], message: 'sim/ knows only the model.' }]),
  layer(['src/check/**'], [noVscode, noTreeSitter], [{ group: ['**/parse/*', '**/cli/*', '**/vscode/*'], message: 'check/ knows the model and the simulator.' }]),
  layer(['src/report/**'], [noVscode, noTreeSitter], [{ group: ['**/parse/*', '**/cli/*', '**/vscode/*'], message: 'report/ renders results for both front ends.' }]),
  layer(['src/cli/**'], [noVscode], [{ group: ['**/vscode/*'], message: 'The command line never loads the editor layer.' }]),
  layer(['src/vscode/**'], [], [{ group: ['**/cli/*'], message: 'The editor shares code with the command line through report/, not cli/.' }]),
);
