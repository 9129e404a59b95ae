import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialStateJson, isPanelState, isWebviewMessage, moveSelection } from '../../src/report/timelineProtocol';
import { buildTimelineView } from '../../src/report/timelineView';
import { witnessOf } from './reportHelpers';

const view = buildTimelineView({
  id: 'x', title: 't', objects: [], breakStep: 1,
  witness: witnessOf(['a', 'b'], [{ cpu: 0, action: 'f()', line: 1 }, { cpu: 1, action: 'g()', line: 2 }, { cpu: 0, action: 'h()', line: 3 }]),
}, (f) => f);

test('keys move the selection inside the table: next, previous, first, last, the breaking step', () => {
  assert.equal(moveSelection(view, 0, 'next'), 1);
  assert.equal(moveSelection(view, 2, 'next'), 2);
  assert.equal(moveSelection(view, 0, 'previous'), 0);
  assert.equal(moveSelection(view, 1, 'first'), 0);
  assert.equal(moveSelection(view, 0, 'last'), 2);
  assert.equal(moveSelection(view, 0, 'break'), 1);
  assert.equal(moveSelection({ rows: [] }, 0, 'next'), 0);
  assert.equal(moveSelection({ rows: view.rows }, 0, 'break'), 2, 'no breaking step: the last');
});

test('the host acts only on messages of the protocol\'s shapes', () => {
  assert.ok(isWebviewMessage({ type: 'ready' }));
  assert.ok(isWebviewMessage({ type: 'ready', id: 'x', selected: 3 }));
  assert.ok(isWebviewMessage({ type: 'selected', row: 2, reveal: true }));
  assert.ok(isWebviewMessage({ type: 'command', command: 'copy' }));
  assert.ok(isWebviewMessage({ type: 'command', command: 'rerun' }));
  assert.ok(isWebviewMessage({ type: 'rendered', id: 'x', rows: 200, ms: 12.5, paintedAt: 1_795_000_000_000.25 }));
  for (const bad of [null, 'ready', {}, { type: 'selected', row: -1, reveal: true }, { type: 'selected', row: 1.5, reveal: false },
    { type: 'selected', row: 1 }, { type: 'command', command: 'rm -rf' }, { type: 'show' }, { type: 'rendered', id: 'x', rows: 2, ms: -1, paintedAt: 1 },
    { type: 'rendered', id: 'x', rows: 2, ms: 1 }, { type: 'rendered', id: 'x', rows: 2, ms: 1, paintedAt: Number.NaN },
    { type: 'ready', id: 7 }, { type: 'ready', id: 'x', selected: -2 }]) {
    assert.equal(isWebviewMessage(bad), false, JSON.stringify(bad));
  }
});

test('a saved state is restored only when it has the current shape', () => {
  assert.ok(isPanelState(JSON.parse(JSON.stringify({ view, selected: 1 }))));
  assert.equal(isPanelState({ view, selected: -1 }), false);
  assert.equal(isPanelState({ view: { id: 'x' }, selected: 0 }), false);
  assert.equal(isPanelState(undefined), false);
});

test('the page\'s data block cannot be closed by the data, and reads back as the same state', () => {
  const hostile = buildTimelineView({
    id: '</script><script>alert(1)</script>', title: '<!-- </SCRIPT', objects: [], breakStep: 0,
    witness: witnessOf(['a'], [{ cpu: 0, action: 'f("</script>")', line: 1 }]),
  }, (f) => f);
  const state = { view: hostile, selected: 0 };
  const text = initialStateJson(state);
  assert.equal(text.includes('<'), false, text);
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(state)));
});
