// Deadlock cycles in the dependency graph, by lockdep's rule for recursive
// readers: a cycle is a deadlock only if it is a *strong* path, i.e. no two
// adjacent dependencies `X -(*R)-> Y -(S*)-> Z`, where Y is acquired as a
// recursive reader and then held as a reader while Z is taken. Such a Y never
// blocks: a recursive reader gets the lock while other readers hold it.
//
// Like lockdep, a cycle is found when the dependency that closes it is added:
// dependencies are replayed in the order the walk found them, and each new one
// looks for the shortest strong path back to its start. Each cycle is reported
// once, keyed by its canonical rotation (it starts at the smallest class name).
//
// Which cycles a check sees is the split between RL002 and RL004: a cycle
// through an SRCU/RCU domain is a grace-period deadlock and RL004 reports it;
// RL002 reports only cycles made of locks. The search takes that as a filter
// rather than filtering its results, so an edge closing both kinds of cycle
// yields one of each.

import { heldAsReader, type Dependency } from './lockGraph';

export interface LockCycle {
  /** The dependencies around the cycle, starting from the smallest class name. */
  steps: Dependency[];
  /** The dependency whose addition closed the cycle: where lockdep would report it. */
  closing: Dependency;
  /** Class names around the cycle, from the start, e.g. `kvm.lock → vcpu.mutex`. */
  key: string;
}

/** `locks-only`: cycles with no SRCU/RCU domain (RL002); `through-domain`: cycles through one (RL004). */
export type CycleKind = 'locks-only' | 'through-domain';

interface SearchState {
  node: string;
  /** The dependency that reached `node` acquired it as a recursive reader. */
  recursive: boolean;
  /** A domain lies on the path so far (only tracked for `through-domain`). */
  domain: boolean;
  via?: Dependency;
  parent?: SearchState;
}

const stateKey = (s: SearchState): string => `${s.node}\u0000${s.recursive ? 1 : 0}${s.domain ? 1 : 0}`;

/** `next` may follow a dependency that ended in `recursive` without breaking the strong-path rule. */
function strongAfter(recursive: boolean, next: Dependency): boolean {
  return !(recursive && heldAsReader(next.heldAs));
}

/** The shortest strong path from `closing.to` back to `closing.from`, or undefined. */
function pathBack(closing: Dependency, outgoing: ReadonlyMap<string, Dependency[]>, kind: CycleKind): Dependency[] | undefined {
  const throughDomain = kind === 'through-domain';
  const start: SearchState = {
    node: closing.to.name,
    recursive: closing.acquiredAs === 'recursive-read',
    domain: closing.from.domain || closing.to.domain,
  };
  const isGoal = (s: SearchState): boolean =>
    s.node === closing.from.name && (!throughDomain || s.domain) && strongAfter(s.recursive, closing);
  const visited = new Set([stateKey(start)]);
  let frontier = [start];
  while (frontier.length > 0) {
    const next: SearchState[] = [];
    for (const state of frontier) {
      if (isGoal(state)) return unwind(state);
      for (const dep of outgoing.get(state.node) ?? []) {
        if (dep === closing || !strongAfter(state.recursive, dep)) continue;
        if (!throughDomain && dep.to.domain) continue;
        const reached: SearchState = {
          node: dep.to.name, recursive: dep.acquiredAs === 'recursive-read',
          domain: state.domain || dep.to.domain, via: dep, parent: state,
        };
        if (visited.has(stateKey(reached))) continue;
        visited.add(stateKey(reached));
        next.push(reached);
      }
    }
    frontier = next;
  }
  return undefined;
}

function unwind(state: SearchState): Dependency[] {
  const path: Dependency[] = [];
  for (let s: SearchState | undefined = state; s?.via; s = s.parent) path.unshift(s.via);
  return path;
}

/** Rotates a cycle to start at its smallest class name, so each cycle has one spelling. */
function canonical(steps: Dependency[]): Dependency[] {
  let start = 0;
  steps.forEach((step, i) => {
    if (step.from.name < steps[start]!.from.name) start = i;
  });
  return [...steps.slice(start), ...steps.slice(0, start)];
}

/** Every deadlock cycle of the given kind, in the order their closing dependencies were found. */
export function strongCycles(dependencies: readonly Dependency[], kind: CycleKind): LockCycle[] {
  const outgoing = new Map<string, Dependency[]>();
  const cycles: LockCycle[] = [];
  const reported = new Set<string>();
  for (const dep of dependencies) {
    const fromHere = outgoing.get(dep.from.name) ?? [];
    fromHere.push(dep);
    outgoing.set(dep.from.name, fromHere);
    if (kind === 'locks-only' && (dep.from.domain || dep.to.domain)) continue;
    const back = pathBack(dep, outgoing, kind);
    if (!back) continue;
    const steps = canonical([dep, ...back]);
    const key = steps.map((s) => s.from.name).join(' → ');
    if (reported.has(key)) continue;
    reported.add(key);
    cycles.push({ steps, closing: dep, key });
  }
  return cycles;
}
