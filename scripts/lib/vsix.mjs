// Packages the extension as a .vsix and checks what is inside.
//
// A .vsix is a zip: the extension's files sit under `extension/`, beside
// vsce's manifest files. code-server only runs extensions installed from a
// .vsix, so what the archive holds is what a user gets: the check below
// compares it with the working tree, so a runtime file left out of
// .vscodeignore (or a node_modules folder slipping in) fails the build.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './paths.mjs';
import { run } from './run.mjs';

const manifest = () => JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

export function vsixPath() {
  const { name, version } = manifest();
  return join(ROOT, `${name}-${version}.vsix`);
}

/** Builds dist/ and packages it; returns the .vsix path. */
export function packageVsix() {
  run(process.execPath, ['esbuild.mjs'], { cwd: ROOT });
  const out = vsixPath();
  run(process.execPath, [
    join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'package',
    '--out', out,
    // dist/ is self-contained (esbuild bundles the dependencies).
    '--no-dependencies',
    // No repository URL or licence file yet; package.json's `license` says GPL-2.0-only.
    '--allow-missing-repository',
    '--skip-license',
    // Without a repository URL vsce refuses a README with relative image links
    // (the README's screenshots); keep the links as they are.
    '--no-rewrite-relative-links',
  ], { cwd: ROOT });
  checkVsix(out);
  return out;
}

/** The names of the entries of a zip file, read from its central directory. */
export function zipEntries(file) {
  const zip = readFileSync(file);
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every `./relative/path` string under package.json's `contributes` (grammars, icons, ...). */
function contributedPaths(value) {
  if (typeof value === 'string') return value.startsWith('./') ? [value.slice(2)] : [];
  if (Array.isArray(value)) return value.flatMap(contributedPaths);
  if (value && typeof value === 'object') return Object.values(value).flatMap(contributedPaths);
  return [];
}

/**
 * What the installed extension needs: the bundles and WASM in dist/, the
 * grammars and language configuration, the webview assets in media/ (not the
 * webview's TypeScript sources), whatever `contributes` and `main` name, and
 * the README. Paths relative to the repository.
 */
export function expectedFiles() {
  const pkg = manifest();
  const rel = (path) => relative(ROOT, path).split('\\').join('/');
  const runtime = [
    ...filesUnder(join(ROOT, 'dist')).filter((f) => /\.(js|wasm)$/.test(f)),
    ...filesUnder(join(ROOT, 'syntaxes')),
    ...filesUnder(join(ROOT, 'language-configuration')),
    ...filesUnder(join(ROOT, 'media')).filter((f) => !/\.ts$|tsconfig\.json$/.test(f)),
  ].map(rel);
  const named = [pkg.main?.replace(/^\.\//, ''), ...contributedPaths(pkg.contributes ?? {}), 'package.json'];
  return [...new Set([...runtime, ...named.filter(Boolean)])].sort();
}

/** Throws, listing every problem, unless the .vsix holds exactly what a user needs. */
export function checkVsix(file) {
  const entries = zipEntries(file);
  const inside = new Set(entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length)));
  const problems = [];
  for (const need of expectedFiles()) {
    if (!inside.has(need)) problems.push(`missing ${need}`);
  }
  // vsce stores the README as readme.md.
  if (!inside.has('readme.md') && !inside.has('README.md')) problems.push('missing README.md');
  for (const entry of inside) {
    if (/(^|\/)node_modules\//.test(entry)) problems.push(`must not ship ${entry} (node_modules)`);
    else if (/^(src|test|scripts|examples|out|bench|\.code-server)\//.test(entry)) problems.push(`must not ship ${entry}`);
    else if (/\.(ts|map)$/.test(entry)) problems.push(`must not ship ${entry} (source or source map)`);
  }
  if (problems.length > 0) throw new Error(`${file} (.vscodeignore decides what is packaged):\n  ${problems.join('\n  ')}`);
  console.log(`${relative(ROOT, file)}: ${inside.size} files checked (dist, syntaxes, language-configuration, media, README; no node_modules)`);
}
