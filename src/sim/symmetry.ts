// Symmetry reduction and the explorer's state keys.
//
// Threads that run the same entry point (copies, or the same name given
// twice) are interchangeable: swapping two of them, with every place the
// state names them, gives a state whose future is the same up to the swap.
// So the explorer keys states by a canonical form that sorts each class of
// identical threads by what they are doing (Emerson & Sistla, "Symmetry and
// model checking", 1996), and explores one state per orbit; what it finds is
// then expanded to the whole orbit (findings.ts), so reports list the same
// outcomes, deadlocks and violations as the full search.
//
// A key is a short tuple of numbers, hashed: each thread's signature (what
// it is doing and holding, interned through a trie of small numbers), then
// each object, then the broken-exclusion flags. Two things that cannot
// change what happens or what is reported are left out: locals the thread
// never reads again (a backward liveness analysis per program), and
// grace-period generation numbers (a snapshot is keyed by which of its
// sections are still open), so states that differ only in them meet.

import { liveLocals } from './flow';
import type { Scenario } from './scenario';
import type { ObjectState, SimState, ThreadState } from './state';
import type { Value } from './values';

export interface Symmetry {
  /** Classes of at least two interchangeable threads, each ascending. */
  classes: number[][];
  threadCount: number;
  /** This exploration's interned key pieces. */
  readonly pieces: Pieces;
}

export function symmetryOf(scenario: Scenario): Symmetry {
  const byProgram = new Map<unknown, number[]>();
  for (const t of scenario.threads) {
    const members = byProgram.get(t.info) ?? [];
    members.push(t.id);
    byProgram.set(t.info, members);
  }
  return { classes: [...byProgram.values()].filter((c) => c.length > 1), threadCount: scenario.threads.length, pieces: new Pieces(scenario) };
}

export const NO_SYMMETRY = (scenario: Scenario): Symmetry => ({ classes: [], threadCount: scenario.threads.length, pieces: new Pieces(scenario) });

/** Tuples of numbers to small ids, through a trie of maps (signatures share long prefixes). */
class Tuples {
  private readonly root = new Map<number, TrieNode>();
  private count = 0;

  id(values: readonly number[], length: number): number {
    let level = this.root;
    let node: TrieNode | undefined;
    for (let i = 0; i < length; i++) {
      node = level.get(values[i]!);
      if (!node) level.set(values[i]!, node = { id: -1 });
      if (i < length - 1) level = node.next ??= new Map();
    }
    if (node!.id < 0) node!.id = this.count++;
    return node!.id;
  }
}

interface TrieNode { id: number; next?: Map<number, TrieNode> }

/** The interned pieces of one exploration's keys. */
class Pieces {
  private readonly texts = new Map<string, number>();
  private readonly values = new Map<Value | undefined, number>();
  readonly signatures = new Tuples();
  /** Per thread, per pc: the live locals, sorted. */
  private readonly live: string[][][];
  private objectOrder?: string[];
  /** A reusable buffer for one thread's signature. */
  readonly buffer: number[] = [];

  constructor(scenario: Scenario) {
    this.live = scenario.threads.map((t) => liveLocals(t.info.program));
  }

  text(text: string): number {
    let id = this.texts.get(text);
    if (id === undefined) this.texts.set(text, id = this.texts.size);
    return id;
  }

  value(value: Value | undefined): number {
    let id = this.values.get(value);
    if (id === undefined) this.values.set(value, id = this.values.size);
    return id;
  }

  /** The objects' ids, in the state's (fixed) order. */
  objectIds(state: SimState): string[] {
    return this.objectOrder ??= Object.keys(state.objects);
  }

  private domainOrder?: string[];

  /** The monitored domains, in the state's (fixed) order. */
  domains(state: SimState): string[] {
    return this.domainOrder ??= Object.keys(state.monitor.violated);
  }

  /** A reusable buffer for sorting a class. */
  readonly sortBuffer: number[] = [];

  /** Appends what a thread is doing, without naming other threads (pending waits do; see crossRefs). */
  own(t: ThreadState, thread: number, out: number[]): void {
    const pending = !t.pending ? -1 : this.text(t.pending.kind === 'grace-period' ? t.pending.domain : t.pending.kind === 'queued-writer' ? `>${t.pending.lock}` : '');
    const cpu = !t.irqOff && t.irqOffPc < 0 && t.irqSaved.length === 0 && t.preempt === 0 ? -1
      : this.text(`${t.irqOff ? 1 : 0}${t.irqOffPc}|${t.irqSaved.map(Number).join('')}|${t.preempt}`);
    out.push(t.pc, (t.status === 'done' ? 16 : 0) + t.phase, pending, cpu, this.value(t.ret));
    if (t.status === 'done') {
      // A finished thread keeps all its locals: end states stay as distinct as the runs that reach them.
      let text = '';
      for (const k of Object.keys(t.locals).sort()) text += `${k}=${String(t.locals[k])},`;
      out.push(this.text(text));
      return;
    }
    for (const k of this.live[thread]![t.pc] ?? []) out.push(this.value(t.locals[k]));
  }

  /** Appends a thread's slot in an object: its read-side depth and where it began, or its lock holds (0: none). */
  slot(o: ObjectState, thread: number, out: number[]): void {
    if (o.kind === 'domain') out.push((o.depth[thread] ?? 0) * 0x100000 + (o.since[thread] ?? -1) + 1);
    else if (o.kind === 'lock') {
      if (!o.writer && o.readers.length === 0 && o.queued.length === 0) { out.push(0); return; }
      let text = o.writer?.[0] === thread ? `w${o.writer[1]}` : '';
      for (const [t, pc] of o.readers) if (t === thread) text += `r${pc}`;
      if (o.queued.includes(thread)) text += 'q';
      out.push(text === '' ? 0 : this.text(text) + 1);
    }
  }

  /** A thread's phase and guard flag in each idiom, three bits per idiom. */
  monitor(monitor: SimState['monitor'], thread: number): number {
    let slot = 0;
    let scale = 1;
    for (const domain of this.domainOrder ??= Object.keys(monitor.violated)) {
      slot += scale * ((monitor.phase[domain]?.[thread] ?? 0) * 2 + (monitor.passed[domain]?.[thread] ? 1 : 0));
      scale *= 8;
    }
    return slot;
  }

  /** An object's part of the key; a held lock names its holders by canonical position. */
  object(o: ObjectState, rank: readonly number[]): number {
    switch (o.kind) {
      case 'completion': return o.done * 2 + (o.all ? 1 : 0);
      case 'value': return this.value(o.value);
      case 'domain': return 0;
      case 'lock': {
        if (!o.writer && o.readers.length === 0 && o.queued.length === 0) return -1;
        let text = o.writer ? `l${rank[o.writer[0]]}.${o.writer[1]}` : 'l';
        for (const [t, pc] of o.readers) text += `r${rank[t]}.${pc}`;
        for (const t of o.queued) text += `q${rank[t]}`;
        return this.text(text);
      }
    }
  }
}

/**
 * A pending wait's references to other threads, as a set of canonical
 * positions (bit mask, plus one; 0 is "names no thread"): the sections a
 * grace period still waits for, or the CPUs that have answered an IPI.
 */
function crossRefs(state: SimState, t: ThreadState, rank: readonly number[]): number {
  const p = t.pending;
  if (!p || p.kind === 'queued-writer') return 0;
  let mask = 0;
  if (p.kind === 'ipi') {
    p.answered.forEach((ok, cpu) => { if (ok) mask += 2 ** rank[cpu]!; });
    return mask + 1;
  }
  const d = state.objects[p.domain];
  if (d?.kind !== 'domain') return 0;
  // A snapshotted section still matters only while it is open (readSide.ts's stillOpen).
  for (const [r, gen] of p.waitFor) if ((d.depth[r] ?? 0) > 0 && d.gen[r] === gen) mask += 2 ** rank[r]!;
  return mask + 1;
}

/** A state's canonical form: a tuple of numbers, its hash, and where each thread went. */
export interface CanonicalState {
  tuple: number[];
  hash: number;
  /** rank[thread]: the thread's position in the canonical form. */
  rank: number[];
  /** Per thread, its signature id (equal ids: the same local state and holdings). */
  signature: number[];
}

/** A map from canonical states, hashed, with the tuples compared on a hash match. */
export class StateTable<V> {
  private readonly buckets = new Map<number, { tuple: number[]; value: V }[]>();
  size = 0;

  get(state: CanonicalState): V | undefined {
    const bucket = this.buckets.get(state.hash);
    if (!bucket) return undefined;
    for (const entry of bucket) if (sameTuple(entry.tuple, state.tuple)) return entry.value;
    return undefined;
  }

  /** Adds a state not in the table. */
  add(state: CanonicalState, value: V): void {
    const bucket = this.buckets.get(state.hash);
    if (bucket) bucket.push({ tuple: state.tuple, value });
    else this.buckets.set(state.hash, [{ tuple: state.tuple, value }]);
    this.size++;
  }
}

function sameTuple(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Two independent 32-bit mixes of the tuple, as one safe integer. */
function hashOf(tuple: readonly number[]): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < tuple.length; i++) {
    a = Math.imul(a ^ tuple[i]!, 0x01000193);
    b = Math.imul(b + tuple[i]! + 0x9e3779b9, 0x85ebca6b) ^ (b >>> 13);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

/** The state a transition came from, to reuse the signatures of threads it did not change. */
export interface Parent {
  state: SimState;
  canonical: CanonicalState;
  /** The thread that moved: its signature is computed again. */
  mover: number;
}

/**
 * The canonical form of a state's orbit: within each class, threads are
 * ordered by their signatures (ties by index); every thread reference is
 * renamed to its canonical position. A transition changes the moving
 * thread's signature and those of threads whose state objects it replaced
 * (an IPI answered); semantics/*.ts write no other thread's slots, so the
 * other signatures are the parent's.
 */
export function canonicalState(state: SimState, symmetry: Symmetry, parent?: Parent): CanonicalState {
  const n = symmetry.threadCount;
  const { pieces } = symmetry;
  const ids = pieces.objectIds(state);
  const signature = new Array<number>(n);
  const parts = pieces.buffer;
  for (let t = 0; t < n; t++) {
    if (parent && t !== parent.mover && state.threads[t] === parent.state.threads[t]) {
      signature[t] = parent.canonical.signature[t]!;
      continue;
    }
    parts.length = 0;
    pieces.own(state.threads[t]!, t, parts);
    for (const id of ids) pieces.slot(state.objects[id]!, t, parts);
    parts.push(pieces.monitor(state.monitor, t));
    signature[t] = pieces.signatures.id(parts, parts.length);
  }
  const rank = new Array<number>(n);
  const at = new Array<number>(n);
  for (let t = 0; t < n; t++) rank[t] = at[t] = t;
  for (const members of symmetry.classes) {
    // Insertion sort by signature, ties by index: classes are small.
    const sorted = pieces.sortBuffer;
    sorted.length = 0;
    for (const t of members) {
      let i = sorted.length;
      while (i > 0 && signature[sorted[i - 1]!]! > signature[t]!) { sorted[i] = sorted[i - 1]!; i--; }
      sorted[i] = t;
    }
    for (let i = 0; i < sorted.length; i++) {
      rank[sorted[i]!] = members[i]!;
      at[members[i]!] = sorted[i]!;
    }
  }
  const domains = pieces.domains(state);
  // Per position: the thread's signature, then what its pending wait says of the others.
  const tuple = new Array<number>(2 * n + ids.length + 1);
  for (let position = 0; position < n; position++) {
    const t = at[position]!;
    const thread = state.threads[t]!;
    tuple[2 * position] = signature[t]!;
    tuple[2 * position + 1] = thread.pending ? crossRefs(state, thread, rank) : 0;
  }
  let i = 2 * n;
  for (const id of ids) tuple[i++] = pieces.object(state.objects[id]!, rank);
  let violated = 0;
  for (let d = 0; d < domains.length; d++) if (state.monitor.violated[domains[d]!]) violated |= 1 << d;
  tuple[i] = violated;
  return { tuple, hash: hashOf(tuple), rank, signature };
}

/**
 * Whether swapping threads `a` and `b` maps the state onto itself: they are
 * in one class with equal signatures, and nothing else names either of them
 * (a pending wait, a lock's list of read holds or queued writers, where
 * order shows). Then their steps lead to symmetric states, and the explorer
 * need take only one of them (explore.ts).
 */
export function interchangeable(state: SimState, symmetry: Symmetry, canonical: CanonicalState, a: number, b: number): boolean {
  if (canonical.signature[a] !== canonical.signature[b] || !symmetry.classes.some((c) => c.includes(a) && c.includes(b))) return false;
  for (const t of state.threads) {
    const p = t.pending;
    if (p?.kind === 'grace-period' && p.waitFor.some(([r]) => r === a || r === b)) return false;
    if (p?.kind === 'ipi' && p.answered[a] !== p.answered[b]) return false;
  }
  for (const id in state.objects) {
    const o = state.objects[id]!;
    if (o.kind === 'lock' && (o.readers.length > 0 || o.queued.length > 0)) {
      const named = (t: number): boolean => o.readers.some(([r]) => r === t) || o.queued.includes(t);
      if (named(a) || named(b)) return false;
    }
  }
  return true;
}

/**
 * The permutations (thread to image) that map each class onto itself and
 * give different arrangements of `roleOf` over the class: two members with
 * the same role are never swapped, since swapping them changes nothing the
 * caller cares about. The identity is not among them.
 */
export function arrangements(symmetry: Symmetry, roleOf: (thread: number) => string): number[][] {
  let sigmas: number[][] = [Array.from({ length: symmetry.threadCount }, (_, t) => t)];
  for (const members of symmetry.classes) {
    const roles = members.map(roleOf);
    const next: number[][] = [];
    for (const order of distinctOrders(roles)) {
      // Position i of the class gets the first unused member whose role is order[i].
      const used = new Set<number>();
      const image = new Map<number, number>();
      order.forEach((role, i) => {
        const j = roles.findIndex((r, k) => r === role && !used.has(k));
        used.add(j);
        image.set(members[j]!, members[i]!);
      });
      for (const sigma of sigmas) next.push(sigma.map((t) => image.get(t) ?? t));
    }
    sigmas = next;
  }
  return sigmas.filter((sigma) => sigma.some((image, t) => image !== t));
}

/** The distinct orderings of a multiset of strings. */
function distinctOrders(items: readonly string[]): string[][] {
  if (items.length <= 1) return [items.slice()];
  const result: string[][] = [];
  const seen = new Set<string>();
  items.forEach((first, i) => {
    if (seen.has(first)) return;
    seen.add(first);
    for (const rest of distinctOrders([...items.slice(0, i), ...items.slice(i + 1)])) result.push([first, ...rest]);
  });
  return result;
}
