// Conditional acquires: a trylock holds the lock only when it returns
// non-zero, mutex_lock_interruptible() and friends only when they return 0.
// The branch that tests the result decides: in
//   if (!mutex_trylock(&x)) return -EBUSY;
// the `then` arm runs without the lock and the code after the `if` with it.
// This module reads a branch condition and says, for each arm, whether the
// acquire succeeded there, failed, or cannot be told.

import type { CallStmt, Stmt, SyncOp } from '../model/types';
import { splitOutside } from '../model/cText';

/** What a successful conditional acquire returns. */
export type Success = 'nonzero' | 'zero';
export type Outcome = 'acquired' | 'failed' | 'unknown';

/** Whether `op` acquires only on some return values, and which ones mean success. */
export function conditionalSuccess(op: SyncOp): Success | undefined {
  if (op.action === 'try_acquire') return 'nonzero';
  if (op.action === 'acquire' && /_(?:interruptible|killable)(?:_nested)?$/.test(op.primitive)) return 'zero';
  return undefined;
}

/**
 * What each arm of a branch on `cond` knows about the conditional acquire
 * made by `call`, or undefined when `cond` does not test it. The call is
 * recognised as written in the condition (same callee, same arguments) or
 * through the variable it was assigned to.
 */
export function armOutcomes(cond: string, call: CallStmt, success: Success): { then: Outcome; else: Outcome } | undefined {
  const tested = substitute(cond, call);
  if (tested === undefined) return undefined;
  const outcome = (fact: Fact | undefined): Outcome =>
    fact === 'truthy' ? (success === 'nonzero' ? 'acquired' : 'failed')
      : fact === 'falsy' ? (success === 'nonzero' ? 'failed' : 'acquired') : 'unknown';
  return { then: outcome(factWhen(tested, true, success)), else: outcome(factWhen(tested, false, success)) };
}

/** Does `text` mention the result of `call` (the call itself or the variable holding it)? */
export function mentions(text: string, call: CallStmt): boolean {
  return substitute(text, call) !== undefined;
}

type Fact = 'truthy' | 'falsy' | 'unknown';

const RESULT = '@';

/** `cond` with the tested result replaced by `@`, whitespace removed; undefined if it is not there. */
function substitute(cond: string, call: CallStmt): string | undefined {
  let text = cond.replace(/\s+/g, '');
  let found = false;
  const args = call.args.join(',').replace(/\s+/g, '');
  const head = new RegExp(`(?<![\\w.>])${escapeRegExp(call.callee)}\\(`, 'g');
  let out = '';
  let from = 0;
  for (let m = head.exec(text); m; m = head.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = matchingParen(text, open);
    if (close < 0) break;
    if (text.slice(open + 1, close) === args) {
      out += text.slice(from, m.index) + RESULT;
      from = close + 1;
      found = true;
    }
    head.lastIndex = close + 1;
  }
  text = out + text.slice(from);
  if (call.assignTo && /^\w+$/.test(call.assignTo)) {
    const variable = new RegExp(`(?<![\\w.>])${call.assignTo}(?![\\w(])`, 'g');
    if (variable.test(text)) {
      found = true;
      text = text.replace(variable, RESULT);
    }
  }
  // `(err = mutex_lock_interruptible(&m)) != 0`: the parenthesised assignment is the result.
  return found ? text.replace(/\([\w.>-]+=(?!=)@\)/g, RESULT) : undefined;
}

/** What `expr` (with `@` for the result) being `value` says about the result. */
function factWhen(expr: string, value: boolean, success: Success): Fact | undefined {
  const e = stripParens(expr);
  if (!e.includes(RESULT)) return undefined;
  for (const [op, allTrueWhen] of [['||', false], ['&&', true]] as const) {
    const { parts } = splitOutside(e, op);
    if (parts.length < 2) continue;
    // `a || b` false (or `a && b` true) fixes every part; otherwise any part could be the one.
    if (value !== allTrueWhen) return 'unknown';
    const facts = parts.map((p) => factWhen(p, value, success)).filter((f): f is Fact => f !== undefined);
    return facts.every((f) => f === facts[0]) ? facts[0] : 'unknown';
  }
  if (e.startsWith('!') && !e.startsWith('!=')) return factWhen(e.slice(1), !value, success);
  const wrapped = /^(?:likely|unlikely|WARN_ON|WARN_ON_ONCE)\((.*)\)$/.exec(e);
  if (wrapped && matchingParen(e, e.indexOf('(')) === e.length - 1) return factWhen(wrapped[1] ?? '', value, success);
  const assigned = /^[\w.>-]+=(?!=)(.*)$/.exec(e);
  if (assigned) return factWhen(assigned[1] ?? '', value, success);
  if (e === RESULT) return value ? 'truthy' : 'falsy';
  if (/^(?:@==(?:0|false)|(?:0|false)==@)$/.test(e)) return value ? 'falsy' : 'truthy';
  if (/^(?:@!=(?:0|false)|(?:0|false)!=@)$/.test(e)) return value ? 'truthy' : 'falsy';
  // Interruptible locks return 0 or a negative error; trylocks return 0 or 1.
  if (e === '@<0' && success === 'zero') return value ? 'truthy' : 'falsy';
  if ((e === '@>0' || e === '@==1') && success === 'nonzero') return value ? 'truthy' : 'falsy';
  return 'unknown';
}

/**
 * Calls in `body` that run only when the conditional acquire `call` did not
 * (certainly) succeed: the arm of the branch or loop that tests it where the
 * outcome is failure or unknown.
 */
export function notAcquiredRegion(body: readonly Stmt[], call: CallStmt, success: Success): Set<CallStmt> {
  const region = new Set<CallStmt>();
  const place = locate(body, call);
  if (!place) return region;
  const addCalls = (stmts: readonly Stmt[]) => { for (const c of flatten(stmts)) if (c.kind === 'call') region.add(c); };
  if (place.loop) {
    const arms = armOutcomes(place.loop.cond, call, success);
    if (arms && arms.then !== 'acquired') addCalls(place.loop.body);
    return region;
  }
  const test = testOf(place.list.slice(place.index + 1), call);
  if (!test) return region;
  const arms = armOutcomes(test.cond, call, success);
  if (!arms) return region;
  if (test.kind === 'branch') {
    if (arms.then !== 'acquired') addCalls(test.then);
    if (arms.else !== 'acquired') addCalls(test.else);
  } else if (arms.then !== 'acquired') {
    addCalls(test.body);
  }
  return region;
}

type Branch = Extract<Stmt, { kind: 'branch' }>;
type Loop = Extract<Stmt, { kind: 'loop' }>;

/** The branch or loop testing `call`'s result among the statements after it. */
function testOf(after: readonly Stmt[], call: CallStmt): Branch | Loop | undefined {
  if (!call.assignTo) {
    // Tested as written: the condition's other calls come first, then the branch.
    const next = after.find((s) => s.kind !== 'call');
    return next?.kind === 'branch' && mentions(next.cond, call) ? next : undefined;
  }
  for (const stmt of flatten(after)) {
    if ((stmt.kind === 'branch' || stmt.kind === 'loop') && mentions(stmt.cond, call)) return stmt;
    if (stmt.kind === 'assign' && stmt.target === call.assignTo) return undefined;
    if (stmt.kind === 'call' && stmt.assignTo === call.assignTo) return undefined;
  }
  return undefined;
}

/** Where `call` sits: its statement list and index, and the loop whose head it is in. */
function locate(body: readonly Stmt[], call: CallStmt): { list: readonly Stmt[]; index: number; loop?: Loop } | undefined {
  for (let i = 0; i < body.length; i++) {
    const stmt = body[i]!;
    if (stmt === call) return { list: body, index: i };
    let found: ReturnType<typeof locate>;
    switch (stmt.kind) {
      case 'branch': found = locate(stmt.then, call) ?? locate(stmt.else, call); break;
      case 'switch': for (const c of stmt.cases) found ??= locate(c.body, call); break;
      case 'loop':
        if (stmt.head.includes(call)) return { list: stmt.head, index: stmt.head.indexOf(call), loop: stmt };
        found = locate(stmt.body, call);
        break;
      default: break;
    }
    if (found) return found;
  }
  return undefined;
}

/** Statements in pre-order, nested ones after the statement holding them. */
function flatten(stmts: readonly Stmt[]): Stmt[] {
  const out: Stmt[] = [];
  for (const stmt of stmts) {
    out.push(stmt);
    if (stmt.kind === 'branch') out.push(...flatten(stmt.then), ...flatten(stmt.else));
    else if (stmt.kind === 'switch') for (const c of stmt.cases) out.push(...flatten(c.body));
    else if (stmt.kind === 'loop') out.push(...flatten(stmt.head), ...flatten(stmt.body));
  }
  return out;
}

function stripParens(text: string): string {
  let e = text;
  while (e.startsWith('(') && matchingParen(e, 0) === e.length - 1) e = e.slice(1, -1);
  return e;
}


function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
