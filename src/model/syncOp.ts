// Turns a call into the synchronization it performs, by the primitive table.

import { GFP_ALLOCATORS, GUARD_TYPES, type PrimitiveSpec, type PrimitiveTable } from './primitives';
import { implicitObject, objectRef, type Aliases } from './objects';
import { AliasMemo } from './aliasMemo';
import type { ObjectRef, SyncOp } from './types';

function objectFor(text: string | undefined, primitive: string, aliases: Aliases): ObjectRef | undefined {
  if (text === undefined) return undefined;
  return objectRef(text, aliases) ?? {
    id: text.replace(/\s+/g, ''),
    text,
    identifiedBy: `\`${text}\` is not an access path RaceLens can name; used as written`,
  };
}

/** The op a call performs, or undefined when `name` is not a known primitive. */
export function syncOpFor(name: string, args: readonly string[], table: PrimitiveTable, aliases: Aliases): SyncOp | undefined {
  const spec = table.get(name);
  if (!spec) {
    if (GFP_ALLOCATORS.test(name) && args.some((a) => /\bGFP_KERNEL\b/.test(a))) {
      return { primitive: name, family: 'sleep', action: 'sleep', sleeps: true };
    }
    return undefined;
  }
  // One op per primitive and the arguments it reads, shared by every call that reads the same
  // (ops are never modified): a file calls mutex_lock(&kvm->lock) many times.
  const key = `${name}\u0001${argumentAt(args, spec.object)}\u0001${argumentAt(args, spec.operand)}\u0001` +
    `${argumentAt(args, spec.subclass)}\u0001${argumentAt(args, spec.callback)}`;
  let ops = made.get(table);
  if (!ops) made.set(table, ops = new AliasMemo());
  return ops.answer(aliases, key, (_, table) => makeOp(name, spec, args, table));
}

/** Ops made, by primitive table, then alias table and key (see syncOpFor). */
const made = new WeakMap<PrimitiveTable, AliasMemo<SyncOp>>();

/** The argument at a spec's index, or '' when the spec names none (or a fixed value). */
function argumentAt(args: readonly string[], index: number | string | { implicit: string } | undefined): string {
  return typeof index === 'number' ? args[index] ?? '\u0002' : '';
}

function makeOp(name: string, spec: PrimitiveSpec, args: readonly string[], aliases: Aliases): SyncOp {
  const op: SyncOp = { primitive: name, family: spec.family, action: spec.action, sleeps: spec.sleeps };
  if (spec.mode) op.mode = spec.mode;
  if (spec.cpuEffect) op.cpuEffect = spec.cpuEffect;
  if (typeof spec.object === 'number') {
    const object = objectFor(args[spec.object], name, aliases);
    if (object) op.object = object;
  } else if (spec.object) {
    op.object = implicitObject(spec.object.implicit, name);
  }
  if (typeof spec.operand === 'number') {
    const operand = args[spec.operand];
    if (operand !== undefined) op.operand = operand.trim();
  } else if (spec.operand !== undefined) {
    op.operand = spec.operand;
  }
  if (spec.subclass !== undefined && args[spec.subclass] !== undefined) op.subclass = args[spec.subclass]?.trim();
  if (spec.callback !== undefined && args[spec.callback] !== undefined) op.callback = args[spec.callback]?.trim();
  return op;
}

/**
 * `guard(mutex)(&x)` and `scoped_guard(mutex, &x)`: the acquire op, marked
 * scoped, and the name of the release to insert when the scope ends.
 */
export function guardOps(guardType: string, args: readonly string[], table: PrimitiveTable, aliases: Aliases):
  { acquire: SyncOp; release: SyncOp } | undefined {
  const kind = GUARD_TYPES[guardType.trim()];
  if (!kind) return undefined;
  const acquire = syncOpFor(kind.lock, args, table, aliases);
  const release = syncOpFor(kind.unlock, args, table, aliases);
  if (!acquire || !release) return undefined;
  return { acquire: { ...acquire, scoped: true }, release: { ...release, scoped: true, implicit: true } };
}
