// RL008: unbalanced locks and read-side sections, per function (not
// inlined), over C and post-patch functions (notes show one path).
//
// - A function that can return with a lock held on some paths and released
//   on others, when it also releases that lock itself (a function that only
//   takes it is an acquire wrapper, conditional or not). Not reported when it
//   looks like "returns with the lock held on success": every return without
//   the lock gives an error value and no return with it does. A return
//   reached both ways is where it is reported; otherwise every return that
//   keeps the lock is.
// - A double unlock: a release on a path that already released the lock.
// - An unlock of a lock the path never took, in a function that takes that
//   lock itself elsewhere (so its callers cannot be holding it).
//
// Objects named in `__acquires` / `__releases` / `__must_hold` are left out,
// and so are guard()/scoped_guard() locks (the compiler releases them),
// objects lockPaths marks uncertain, and paths where a call we cannot see
// into may have released or retaken the lock. Lock wrappers are recognised
// and their calls count as acquires and releases in the caller
// (lockWrappers.ts). A post-patch function may be only the hunk's part of
// it, so falling off the end of its text is not taken for a return.

import type { FunctionSummary } from '../model/types';
import { locKey } from './callSites';
import { sortFindings, type Finding, type RelatedLocation } from './finding';
import type { CheckInput } from './input';
import type { Exit, PathResult, ReleaseArrival } from './lockPaths';
import { errorKey, isErrorValue, status, type Decision, type HeldLock } from './pathState';
import { LockWrappers } from './lockWrappers';
import { describeLock, heldWord, releaseWord, takenHere, written } from './lockWords';

/** A function's findings, kept while its path walk is the same object (see lockWrappers.ts). */
const byWalk = new WeakMap<PathResult, Finding[]>();

export function check(input: CheckInput): Finding[] {
  const wrappers = new LockWrappers(input.graph);
  const findings: Finding[] = [];
  for (const file of input.files) {
    for (const fn of file.functions) {
      if (fn.origin !== 'c' && fn.origin !== 'patch-post') continue;
      const result = wrappers.resultOf(fn);
      let found = byWalk.get(result);
      if (!found) {
        found = functionFindings(fn, result);
        byWalk.set(result, found);
      }
      for (const finding of found) findings.push(finding);
    }
  }
  return sortFindings(unique(findings));
}

function functionFindings(fn: FunctionSummary, result: PathResult): Finding[] {
  if (!result.complete) return [];
  const annotated = new Set([...fn.annotations.acquires, ...fn.annotations.releases, ...fn.annotations.mustHold]);
  const followed = (key: string, classId: string) => !annotated.has(classId) && !result.uncertain.has(key);
  return [...exitFindings(fn, result, followed), ...releaseFindings(fn, result, followed)];
}

type Followed = (key: string, classId: string) => boolean;

function exitFindings(fn: FunctionSummary, result: PathResult, followed: Followed): Finding[] {
  // A patch shows part of a function: falling off the end of the text is not a return.
  const exits = fn.origin === 'patch-post' ? result.exits.filter((e) => !e.atEnd) : result.exits;
  const findings: Finding[] = [];
  const keys = new Set(exits.flatMap((e) => e.state.held.filter((h) => !h.effect.scoped).map((h) => h.key)));
  for (const key of keys) {
    // A path where an opaque call may have released it says nothing either way.
    // A pending acquire nobody tested is a conditional wrapper's business.
    const held = exits.filter((e) => status(e.state, key) === 'held' && !heldLock(e, key).maybeReleased && !heldLock(e, key).pending);
    const clean = exits.filter((e) => status(e.state, key) === 'none');
    if (held.length === 0 || clean.length === 0 || !followed(key, heldLock(held[0]!, key).object.id)) continue;
    if (!result.releases.some((r) => r.key === key && r.status === 'held' && !r.effect.implicit)) continue;
    // "Returns with the lock held on success": every return without it is a failure, no return with it is.
    if (clean.every((e) => errorLooking(e, fn)) && !held.some((e) => errorLooking(e, fn))) continue;
    const sameReturn = held.filter((e) => clean.some((c) => locKey(c.loc) === locKey(e.loc)));
    const reported = sameReturn.length > 0 ? sameReturn : held;
    const seen = new Set<string>();
    for (const exit of reported) {
      if (seen.has(locKey(exit.loc))) continue;
      seen.add(locKey(exit.loc));
      const other = clean.find((c) => locKey(c.loc) === locKey(exit.loc)) ?? closest(exit, clean);
      findings.push(exitFinding(fn, exit, heldLock(exit, key), other));
    }
  }
  return findings;
}

function heldLock(exit: Exit, key: string): HeldLock {
  return exit.state.held.find((h) => h.key === key && !h.effect.scoped)!;
}

function exitFinding(fn: FunctionSummary, exit: Exit, lock: HeldLock, other: Exit): Finding {
  const { effect } = lock;
  const where = exit.atEnd ? 'reaches its end' : 'returns';
  const related: RelatedLocation[] = [{ loc: lock.loc, message: `${takenHere(lock.object, effect.family, effect.primitive)}${effect.via ? ` by ${effect.via}()` : ''}` }];
  const [mine, theirs] = divergence(exit.state.decisions, other.state.decisions);
  if (mine) related.push({ loc: mine.loc, message: `on the path that keeps it ${heldWord(effect.family)}, ${mine.text}` });
  const same = locKey(other.loc) === locKey(exit.loc);
  const otherWhere = other.atEnd ? `${fn.name}() reaches its end without it here` : 'returns without it here';
  related.push({ loc: other.loc, message: same ? `also reached with it released${theirs ? ` when ${theirs.text}` : ''}` : otherWhere });
  return {
    code: 'RL008',
    severity: 'warning',
    message: `${fn.name}() ${where} here with ${describeLock(lock.object, effect.family, effect.mode)} ${heldWord(effect.family)} on some paths, `
      + `but other paths ${releaseWord(effect.family)} it first`,
    loc: exit.loc,
    related,
    evidence: { kind: 'pattern' },
  };
}

function releaseFindings(fn: FunctionSummary, result: PathResult, followed: Followed): Finding[] {
  const findings: Finding[] = [];
  for (const arrival of result.releases) {
    if (arrival.effect.implicit || arrival.opaque || !followed(arrival.key, arrival.object.id)) continue;
    if (arrival.status === 'released' || arrival.status === 'caller-released') {
      findings.push(doubleUnlock(arrival));
    } else if (arrival.status === 'untaken') {
      const fresh = result.acquires.find((a) => a.key === arrival.key && a.fresh && a.effect.mode === 'exclusive' && !a.effect.scoped);
      if (!fresh) continue;
      const paired = result.releases.find((r) => r.call === arrival.call && r.status === 'held');
      findings.push(untakenUnlock(fn, arrival, paired?.acquiredAt ?? fresh.call.loc, paired));
    }
  }
  return findings;
}

function callText(arrival: ReleaseArrival): string {
  return `\`${arrival.call.callee}(${arrival.call.args.join(', ')})\``;
}

function doubleUnlock(arrival: ReleaseArrival): Finding {
  const related: RelatedLocation[] = [];
  if (arrival.acquiredAt) related.push({ loc: arrival.acquiredAt, message: takenHere(arrival.object, arrival.effect.family, arrival.effect.primitive) });
  if (arrival.releasedAt) related.push({ loc: arrival.releasedAt, message: 'first released here' });
  return {
    code: 'RL008',
    severity: 'warning',
    message: `${callText(arrival)} releases ${describeLock(arrival.object, arrival.effect.family, arrival.effect.mode)} `
      + 'a second time on some paths: the same path already released it',
    loc: arrival.call.loc,
    related,
    evidence: { kind: 'pattern' },
  };
}

function untakenUnlock(fn: FunctionSummary, arrival: ReleaseArrival, takenAt: Exit['loc'], paired: ReleaseArrival | undefined): Finding {
  const related: RelatedLocation[] = [{ loc: takenAt, message: `\`${written(arrival.object)}\` taken here on other paths` }];
  const [mine] = paired ? divergence(arrival.decisions, paired.decisions) : [];
  if (mine) related.push({ loc: mine.loc, message: `on the path that never took it, ${mine.text}` });
  return {
    code: 'RL008',
    severity: 'warning',
    message: `${callText(arrival)} releases ${describeLock(arrival.object, arrival.effect.family, arrival.effect.mode)}, `
      + `which is not held on some paths: ${fn.name}() takes it itself, so its callers cannot be holding it`,
    loc: arrival.call.loc,
    related,
    evidence: { kind: 'pattern' },
  };
}

/** The exit whose path shares the longest start with `exit`'s: the best "other path" to show. */
function closest(exit: Exit, others: readonly Exit[]): Exit {
  const shared = (other: Exit) => {
    const [mine] = divergence(exit.state.decisions, other.state.decisions);
    return mine ? exit.state.decisions.indexOf(mine) : exit.state.decisions.length;
  };
  return others.reduce((best, other) => (shared(other) > shared(best) ? other : best));
}

/** The first decision where two paths part: each path's side of it. */
function divergence(mine: readonly Decision[], theirs: readonly Decision[]): [Decision | undefined, Decision | undefined] {
  for (let i = 0; i < mine.length; i++) {
    const a = mine[i]!;
    const b = theirs[i];
    if (!b || locKey(a.loc) !== locKey(b.loc) || a.text !== b.text) return [a, b && locKey(a.loc) === locKey(b.loc) ? b : undefined];
  }
  return [undefined, undefined];
}

/**
 * A return value that says "failed": an error constant, a variable last set
 * to one on this path, or an int variable this path tested non-zero or negative.
 */
function errorLooking(exit: Exit, fn: FunctionSummary): boolean {
  const value = exit.value?.replace(/\s+/g, '');
  if (!value) return false;
  if (isErrorValue(value)) return true;
  if (!/^\w+$/.test(value)) return false;
  if (exit.state.facts.get(errorKey(value)) === true) return true;
  if ((fn.locals[value] ?? '').includes('*')) return false;
  return exit.state.facts.get(value) === true || exit.state.facts.get(`${value}<0`) === true;
}

function unique(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${locKey(f.loc)}|${f.message}`;
    return !seen.has(key) && seen.add(key) !== undefined;
  });
}
