// The languages RaceLens reads, and the extension each implies. Kept free of
// the `vscode` module so the manifest test (test/vscode/manifest.test.ts) can
// check package.json's `when` clauses and activation events against it: the
// palette and menus decide from these before the extension has activated.

export const LANGUAGE_EXTENSIONS: Readonly<Record<string, string>> = {
  c: '.c', 'racelens-notes': '.rlnotes', markdown: '.md', diff: '.patch', plaintext: '.txt', restructuredtext: '.rst',
};

export const READ_LANGUAGES = Object.keys(LANGUAGE_EXTENSIONS);
