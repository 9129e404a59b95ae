// Plain shared variables: `fw->update = true`, READ_ONCE(), WRITE_ONCE(),
// smp_load_acquire()/smp_store_release(). Source of truth for the ordering
// we assume: Documentation/memory-barriers.txt, whose weaker orders we do
// not model: every access is one step under sequential consistency, so
// barriers (smp_mb() & co.) change nothing here. A variable some thread
// writes starts at 0 (zeroed memory); one nobody writes is unknown.

import type { Draft } from '../state';
import type { FamilySemantics, OpResult, OpRun } from './types';
import { NEVER_BLOCKS } from './types';
import { renderValue, type Value } from '../values';

export function readShared(draft: Draft, id: string): Value {
  const cell = draft.readObject(id);
  return cell?.kind === 'value' ? cell.value : null;
}

export function writeShared(draft: Draft, id: string, value: Value): string {
  const cell = draft.object(id);
  if (cell?.kind !== 'value') return `${id} is not tracked`;
  const old = cell.value;
  cell.value = value;
  return `${id}: ${renderValue(old)} -> ${renderValue(value)}`;
}

export const accessSemantics: FamilySemantics = {
  blockedOn: NEVER_BLOCKS,
  run({ draft, op, world, state, thread }: OpRun): OpResult {
    const id = op.object?.id;
    if (id === undefined) return {};
    if (op.action === 'store') return { note: writeShared(draft, id, world.value(state, thread, op.operand)) };
    const value = readShared(draft, id);
    return { value, note: `${id} = ${renderValue(value)}` };
  },
};
