import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitOutside } from '../../src/model/cText';

test('splitOutside splits only outside the brackets, and says when they do not balance', () => {
  assert.deepEqual(splitOutside('a, f(b, c), d', ','), { parts: ['a', ' f(b, c)', ' d'], balanced: true });
  assert.deepEqual(splitOutside('x && (y || z) || w', '||'), { parts: ['x && (y || z) ', ' w'], balanced: true });
  assert.deepEqual(splitOutside('arr[i, j], k', ',', '[', ']'), { parts: ['arr[i, j]', ' k'], balanced: true });
  assert.equal(splitOutside('a], [b', ',', '[', ']').balanced, false);
  assert.equal(splitOutside('(a, b', ',').balanced, false);
  assert.deepEqual(splitOutside('', ',').parts, ['']);
});
