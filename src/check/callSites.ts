// The call sites behind a context walk's chain of function names. A walk
// reports `chain: [root, f, g]`; a finding wants each call in that chain as a
// related location, so we find the calls (root -> f, f -> g) that lead to the
// op's own CallStmt, following callees the same way the walk does.

import type { CallStmt, FileModel, FunctionSummary, SourceLoc, Stmt } from '../model/types';
import type { CheckInput } from './input';
import type { GraphLookups } from './lookupRecord';
import { perFile, perInput } from './memo';
import { addTo } from '../model/multiMap';

/** The name a call is walked under and the body the walk enters (as contextWalk does). */
export function calleeOf(graph: GraphLookups, call: CallStmt): { name: string; body: readonly Stmt[] | undefined } {
  if (call.op) return { name: call.callee, body: undefined };
  const notesBody = call.body && call.body.length > 0 ? call.body : undefined;
  const target = call.dispatch?.[0] ?? graph.targets(call)[0]?.name;
  const body = notesBody ?? (target ? graph.definition(target)?.body : undefined);
  return { name: target ?? call.callee, body };
}

/** Every call in a body, in order, through branches, switches and loops (not into notes-nested bodies). */
export function callsIn(body: readonly Stmt[]): CallStmt[] {
  const out: CallStmt[] = [];
  const visit = (stmts: readonly Stmt[]): void => {
    for (const stmt of stmts) {
      switch (stmt.kind) {
        case 'call': out.push(stmt); break;
        case 'branch': visit(stmt.then); visit(stmt.else); break;
        case 'switch': for (const c of stmt.cases) visit(c.body); break;
        case 'loop': visit(stmt.head); visit(stmt.body); break;
        default: break;
      }
    }
  };
  visit(body);
  return out;
}

/**
 * The calls from `chain[0]` down to the function making `target`: one per
 * step of the chain (empty when the op is in the root itself), or undefined
 * when the chain cannot be followed to `target`.
 */
export function callSitesTo(graph: GraphLookups, root: FunctionSummary, chain: readonly string[], target: CallStmt): CallStmt[] | undefined {
  const failed = new Set<string>();
  const search = (body: readonly Stmt[], depth: number): CallStmt[] | undefined => {
    const calls = callsIn(body);
    if (depth === chain.length - 1) return calls.includes(target) ? [] : undefined;
    for (const call of calls) {
      const callee = calleeOf(graph, call);
      if (callee.name !== chain[depth + 1] || !callee.body) continue;
      const key = `${depth}|${call.loc.file}:${call.loc.line}:${call.loc.col}`;
      if (failed.has(key)) continue;
      const rest = search(callee.body, depth + 1);
      if (rest) return [call, ...rest];
      failed.add(key);
    }
    return undefined;
  };
  return search(root.body, 0);
}

/** The body of each function on the chain, given the call sites between them. */
export function bodiesAlong(graph: GraphLookups, root: FunctionSummary, sites: readonly CallStmt[]): (readonly Stmt[])[] {
  return [root.body, ...sites.map((site) => calleeOf(graph, site).body ?? [])];
}

export function locKey(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** Every call in a file performing a sync op, by location (read once per file model). */
const opCallsIn = perFile((file: FileModel): Map<string, CallStmt> => {
  const found = new Map<string, CallStmt>();
  const visit = (body: readonly Stmt[]): void => {
    for (const call of callsIn(body)) {
      if (call.op && !found.has(locKey(call.loc))) found.set(locKey(call.loc), call);
      if (call.body) visit(call.body);
    }
  };
  for (const fn of file.functions) visit(fn.body);
  return found;
});

/** The files of an input by name: a call's location names the file it was read from. */
const filesByName = perInput((input: CheckInput): Map<string, FileModel[]> => {
  const byName = new Map<string, FileModel[]>();
  for (const file of input.files) addTo(byName, file.file, file);
  return byName;
});

/** The call performing a sync op at `loc`: what a walk's `Held.loc` or `CpuContext` points back to. */
export function opCallAt(input: CheckInput, loc: SourceLoc): CallStmt | undefined {
  const key = locKey(loc);
  for (const file of filesByName(input).get(loc.file) ?? []) {
    const call = opCallsIn(file).get(key);
    if (call) return call;
  }
  return undefined;
}

/** Is `target` (a call in `body`) inside an arm of a branch whose condition matches `test`? */
export function insideBranchOn(body: readonly Stmt[], target: CallStmt, test: RegExp): boolean {
  const within = (stmts: readonly Stmt[]): boolean => callsIn(stmts).includes(target);
  const visit = (stmts: readonly Stmt[]): boolean => stmts.some((stmt) => {
    switch (stmt.kind) {
      case 'branch':
        if (test.test(stmt.cond) && (within(stmt.then) || within(stmt.else))) return true;
        return visit(stmt.then) || visit(stmt.else);
      case 'switch': return stmt.cases.some((c) => visit(c.body));
      case 'loop': return (test.test(stmt.cond) && within(stmt.body)) || visit(stmt.body);
      default: return false;
    }
  });
  return visit(body);
}
