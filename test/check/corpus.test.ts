import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCorpus } from './corpus';
import { FIXTURES, loadParser } from '../helpers';

test('the correct corpus gives zero findings from all checks; each buggy twin exactly its carets', async () => {
  const cases = evaluateCorpus(await loadParser(), FIXTURES);
  assert.ok(cases.filter((c) => c.correct).length >= 10, 'the corpus has its correct twins');
  const wrong = cases.filter((c) => JSON.stringify([...c.actual].sort()) !== JSON.stringify(c.correct ? [] : [...c.expected].sort()));
  assert.deepEqual(wrong.map((c) => ({ file: `${c.dir}/${c.file}`, expected: c.correct ? [] : c.expected, actual: c.actual })), []);
});
