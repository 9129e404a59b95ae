// Atomics with their values. Source of truth: include/linux/atomic/
// atomic-instrumented.h and Documentation/atomic_t.txt. Every operation is
// one indivisible step under sequential consistency. Values we cannot know
// (a symbolic operand, an unknown start) make the counter unknown, and
// branches on it are explored both ways. `_and_test` returns whether the
// new value is 0; `_unless_negative` fails (returns false) on a negative
// counter, as seed 000's TD init does while the update's bias is applied.

import type { FamilySemantics, OpResult, OpRun } from './types';
import { NEVER_BLOCKS } from './types';
import { fromBool, renderValue, type Value } from '../values';

function add(a: Value, b: Value): Value {
  return typeof a === 'number' && typeof b === 'number' ? a + b : null;
}

function negate(v: Value): Value {
  return typeof v === 'number' ? -v : null;
}

export const atomicSemantics: FamilySemantics = {
  blockedOn: NEVER_BLOCKS,
  run({ draft, op, call, world, state, thread }: OpRun): OpResult {
    const id = op.object?.id;
    const cell = id !== undefined ? draft.object(id) : undefined;
    if (cell?.kind !== 'value' || id === undefined) return { note: 'not a counter RaceLens tracks' };
    const operand = world.value(state, thread, op.operand);
    const old = cell.value;
    const set = (value: Value): void => { cell.value = value; };
    const change = (): string => `${id}: ${renderValue(old)} -> ${renderValue(cell.value)}`;
    const name = op.primitive;
    switch (op.action) {
      case 'read':
        return { value: old, note: `${id} = ${renderValue(old)}` };
      case 'set':
        set(operand);
        return { note: change() };
      case 'add':
      case 'sub':
        set(add(old, op.action === 'add' ? operand : negate(operand)));
        return { note: change() };
      case 'add_return':
      case 'sub_return': {
        set(add(old, op.action === 'add_return' ? operand : negate(operand)));
        const value = name.endsWith('_and_test') ? (typeof cell.value === 'number' ? fromBool(cell.value === 0) : null) : cell.value;
        return { value, note: change() };
      }
      case 'inc_unless_negative':
      case 'dec_unless_positive': {
        if (typeof old !== 'number') { set(null); return { value: null, note: `${id} unknown` }; }
        const refuse = op.action === 'inc_unless_negative' ? old < 0 : old > 0;
        if (refuse) return { value: 0, note: `${id} = ${renderValue(old)}: refused` };
        set(old + (op.action === 'inc_unless_negative' ? 1 : -1));
        return { value: 1, note: change() };
      }
      case 'add_unless': {
        // atomic_add_unless(v, a, u); atomic_inc_not_zero(v) is add_unless(v, 1, 0).
        const unless = name.endsWith('inc_not_zero') ? 0 : world.value(state, thread, call.args[2]);
        const same = typeof old === 'number' && typeof unless === 'number' ? old === unless : null;
        if (same === null) { set(null); return { value: null, note: `${id} unknown` }; }
        if (same) return { value: 0, note: `${id} = ${renderValue(old)}: unchanged` };
        set(add(old, operand));
        return { value: 1, note: change() };
      }
      case 'cmpxchg': {
        if (name.includes('try_cmpxchg')) { set(null); return { value: null, note: `${id}: try_cmpxchg's expected value is not tracked` }; }
        const expected = world.value(state, thread, call.args[1]);
        const same = old !== null && expected !== null && typeof old === typeof expected ? old === expected : null;
        if (same === null) set(null);
        else if (same) set(operand);
        return { value: old, note: change() };
      }
      case 'xchg':
        set(operand);
        return { value: old, note: change() };
      default:
        return {};
    }
  },
};
