// Object identity. One lock is written `&kvm->fw->srcu` in one function and
// `&fw->srcu` in another; like lockdep's lock classes we name an object by the
// field that owns it plus its member (`fw.srcu`), or by the global's name.
// Users add aliases for what this cannot see (two names for one struct).

import type { ObjectRef } from './types';
import { splitOutside } from './cText';
import { AliasMemo } from './aliasMemo';

/** Maps a class to the class it stands for: `kvm_fw.srcu` -> `fw.srcu`, or a whole owner `kvm_fw` -> `fw`. */
export type Aliases = ReadonlyMap<string, string>;

const NO_ALIASES: Aliases = new Map();

/** Accessor helpers whose result is the object named by their argument. */
const TRANSPARENT_CALLS = /^(?:per_cpu_ptr|this_cpu_ptr|raw_cpu_ptr|per_cpu|READ_ONCE|rcu_dereference\w*|srcu_dereference\w*|container_of)$/;

/** Splits `kvm->arch.mmu_lock` into its identifiers: ['kvm', 'arch', 'mmu_lock']. */
function pathSegments(text: string): string[] {
  let path = text.trim();
  // Unwrap `&x`, `*x`, `(x)`, casts and transparent accessor calls until stable.
  for (;;) {
    const before = path;
    path = path.replace(/^[&*]\s*/, '').trim();
    path = path.replace(/^\(\s*(?:struct\s+)?\w+(?:\s+\w+)*\s*\*+\s*\)\s*/, ''); // a cast
    const call = /^(\w+)\s*\((.*)\)$/s.exec(path);
    if (call && TRANSPARENT_CALLS.test(call[1] ?? '')) path = firstArgument(call[2] ?? '');
    const paren = /^\((.*)\)$/s.exec(path);
    if (paren && balanced(paren[1] ?? '')) path = paren[1] ?? '';
    if (path === before) break;
  }
  // `to_kvm_tdx(kvm)->lock`: the owner is what the helper converts to.
  path = path.replace(/\bto_(\w+)\s*\([^()]*\)/g, '$1');
  // Array subscripts do not change the class (lockdep: one class per field).
  path = path.replace(/\[[^\]]*\]/g, '');
  return path.split(/\s*(?:->|\.|::)\s*/).map((s) => s.trim()).filter((s) => s.length > 0);
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function firstArgument(args: string): string {
  return splitOutside(args, ',').parts[0] ?? args;
}

const IDENT = /^[A-Za-z_]\w*$/;

/**
 * The class of an access path, or undefined when the text is not a path
 * (a literal, an arithmetic expression, a call we cannot see through).
 */
export function objectRef(text: string, aliases: Aliases = NO_ALIASES): ObjectRef | undefined {
  return answered.answer(aliases, text, classifyOrNull) ?? undefined;
}

/** Answers of objectRef (null: not a path). Shared: ObjectRefs are never modified. */
const answered = new AliasMemo<ObjectRef | null>();
const classifyOrNull = (text: string, aliases: Aliases): ObjectRef | null => classify(text, aliases) ?? null;

function classify(text: string, aliases: Aliases): ObjectRef | undefined {
  const segments = pathSegments(text);
  if (segments.length === 0 || !segments.every((s) => IDENT.test(s))) return undefined;
  const written = text.trim();
  let id: string;
  let identifiedBy: string;
  if (segments.length === 1) {
    id = segments[0] ?? '';
    identifiedBy = `global or local \`${id}\``;
  } else {
    const owner = segments[segments.length - 2] ?? '';
    const member = segments[segments.length - 1] ?? '';
    id = `${owner}.${member}`;
    identifiedBy = `member \`${member}\` of \`${owner}\` in \`${written}\``;
  }
  const aliased = resolveAlias(id, aliases);
  if (aliased !== id) identifiedBy += `, alias of \`${aliased}\``;
  return { id: aliased, text: written, identifiedBy };
}

/** Follows aliases for the whole class, then for its owner alone. */
export function resolveAlias(id: string, aliases: Aliases): string {
  const seen = new Set<string>();
  let current = id;
  while (!seen.has(current)) {
    seen.add(current);
    const whole = aliases.get(current);
    if (whole !== undefined) { current = whole; continue; }
    const dot = current.indexOf('.');
    if (dot > 0) {
      const owner = aliases.get(current.slice(0, dot));
      if (owner !== undefined) { current = owner + current.slice(dot); continue; }
    }
    break;
  }
  return current;
}

/** An object that has no argument: the CPU hotplug lock, the RCU domain. */
export function implicitObject(id: string, primitive: string): ObjectRef {
  return { id, text: `${primitive}()`, identifiedBy: `implied by \`${primitive}()\`` };
}
