// Reading a C file that is being edited: the parse starts from the last tree,
// and unchanged functions keep their summaries. Whatever the edit, the model
// must be exactly what a fresh read of the same text gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readC, CReuse } from '../../src/parse/cReader';
import { editBetween, TreeSlot } from '../../src/parse/treeSitter';
import { primitiveTable } from '../../src/model/primitives';
import { generateC } from '../../bench/generate';
import { loadParser } from '../helpers';

const { table } = primitiveTable();
const FILE = '/w/edited.c';

/** A deterministic stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Edits a user makes: a character typed or deleted, Enter, a line removed, a paste, a new global, non-ASCII text, half-typed code. */
function edits(text: string, next: () => number): string[] {
  const at = (): number => Math.floor(next() * text.length);
  const steps: ((t: string) => string)[] = [
    (t) => { const i = at(); return t.slice(0, i) + 'x' + t.slice(i); },
    (t) => { const i = at(); return t.slice(0, i) + t.slice(i + 1); },
    (t) => { const i = at(); return t.slice(0, i) + '\n' + t.slice(i); },
    (t) => { const i = t.indexOf('\n', at()); const j = t.indexOf('\n', i + 1); return i < 0 || j < 0 ? t : t.slice(0, i) + t.slice(j); },
    (t) => { const i = t.indexOf('\n}\n', at()); return i < 0 ? t : `${t.slice(0, i + 3)}\nstatic void pasted(struct kvm *kvm)\n{\n\tmutex_lock(&kvm->lock);\n\tmsleep(1);\n}\n${t.slice(i + 3)}`; },
    (t) => t.replace('static DEFINE_MUTEX(tdx_lock);', 'static DEFINE_MUTEX(tdx_lock);\nstatic int shared_count;'),
    (t) => { const i = t.indexOf('\n', at()); return i < 0 ? t : `${t.slice(0, i)} /* 检查 😀 */${t.slice(i)}`; },
    (t) => { const i = t.indexOf('mutex_lock(', at()); return i < 0 ? t : `${t.slice(0, i)}spin_lock(${t.slice(i + 'mutex_lock('.length)}`; },
    // Half-typed code: an unclosed brace, comment or #if changes how everything after it parses.
    (t) => { const i = at(); return `${t.slice(0, i)}{${t.slice(i)}`; },
    (t) => { const i = at(); return `${t.slice(0, i)}/*${t.slice(i)}`; },
    (t) => { const i = t.indexOf('\n', at()); return i < 0 ? t : `${t.slice(0, i)}\n#if 0${t.slice(i)}`; },
  ];
  const texts: string[] = [];
  let current = text;
  for (let n = 0; n < 40; n++) {
    current = steps[Math.floor(next() * steps.length)]!(current);
    texts.push(current);
  }
  return texts;
}

test('an edit is the span between the common prefix and suffix, in rows and UTF-16 columns', () => {
  assert.deepEqual(editBetween('ab\ncd\nef', 'ab\ncXd\nef'), {
    startIndex: 4, oldEndIndex: 4, newEndIndex: 5,
    startPosition: { row: 1, column: 1 }, oldEndPosition: { row: 1, column: 1 }, newEndPosition: { row: 1, column: 2 },
  });
  assert.deepEqual(editBetween('a\nb\nc', 'a\nc'), {
    startIndex: 2, oldEndIndex: 4, newEndIndex: 2,
    startPosition: { row: 1, column: 0 }, oldEndPosition: { row: 2, column: 0 }, newEndPosition: { row: 1, column: 0 },
  });
  // 😀 is two UTF-16 units; an edit never starts or ends inside it.
  const edit = editBetween('x😀y', 'x😁y');
  assert.equal(edit.startIndex, 1);
  assert.equal(edit.oldEndIndex, 3);
  const same = editBetween('same', 'same');
  assert.equal(same.startIndex, same.oldEndIndex);
});

test('parsing from the last tree gives the tree a fresh parse gives, edit after edit', async () => {
  const parser = await loadParser();
  const slot = new TreeSlot();
  const next = random(7);
  try {
    for (const text of edits(generateC(600), next)) {
      const incremental = parser.withTree(text, (tree) => tree.rootNode.toString(), slot);
      const fresh = parser.withTree(text, (tree) => tree.rootNode.toString());
      assert.equal(incremental, fresh);
    }
  } finally {
    slot.dispose();
  }
});

test('a read that reuses the last one models the file exactly as a fresh read does', async () => {
  const parser = await loadParser();
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const reuse = new CReuse();
    const next = random(seed);
    try {
      for (const text of [generateC(800, seed), ...edits(generateC(800, seed), next)]) {
        assert.deepEqual(readC(parser, text, FILE, { table, reuse }), readC(parser, text, FILE, { table }));
      }
    } finally {
      reuse.dispose();
    }
  }
});

test('functions an edit does not touch keep their summaries; the edited one and those it moved are read again', async () => {
  const parser = await loadParser();
  const reuse = new CReuse();
  try {
    const text = generateC(300);
    const before = readC(parser, text, FILE, { table, reuse }).functions;
    const typed = text.replace('mutex_lock(&kvm->lock);', 'mutex_lock(&kvm->lockx);');
    const after = readC(parser, typed, FILE, { table, reuse }).functions;
    const edited = after.findIndex((fn) => JSON.stringify(fn.body).includes('lockx'));
    assert.ok(edited >= 0);
    after.forEach((fn, i) => (i === edited ? assert.notEqual(fn, before[i]) : assert.equal(fn, before[i], fn.name)));
    // A new line shifts every function below it: those are read again at their new lines.
    const moved = readC(parser, `\n${typed}`, FILE, { table, reuse }).functions;
    assert.ok(moved.every((fn, i) => fn !== after[i] && fn.loc.line === after[i]!.loc.line + 1));
    // A new file-scope variable may change what every body reads as shared: all are read again.
    const global = readC(parser, typed.replace('static DEFINE_MUTEX(tdx_lock);', 'static DEFINE_MUTEX(tdx_lock); static int g;'), FILE, { table, reuse }).functions;
    assert.ok(global.every((fn) => !after.includes(fn)));
  } finally {
    reuse.dispose();
  }
});
