// The call graph across everything open: direct calls, ops tables
// (`.mem_enc_ioctl = vt_mem_enc_ioctl`), static calls (`static_call(kvm_x86_X)`
// reaches ops member X), notifier blocks (`.notifier_call = f`) and the notes'
// `=>` edges. Every edge keeps the call's location.

import { addTo } from './multiMap';
import { oncePer } from './oncePer';
import type { CallStmt, FileModel, FunctionSummary, OpsBinding, Origin, SourceLoc, Stmt } from './types';

export type EdgeKind = 'direct' | 'static_call' | 'ops' | 'notifier' | 'pointer' | 'dispatch' | 'notes';

export interface CallEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  loc: SourceLoc;
}

/** Which definition wins when one name has several: the patched text, then C, then notes. */
const ORIGIN_RANK: Record<Origin, number> = { 'patch-post': 0, c: 1, notes: 2, 'patch-pre': 3 };

/** A call and the function it is made from (for notes-nested bodies, the callee they nest under). */
interface CallSite {
  from: string;
  call: CallStmt;
}

/**
 * Each file's call sites, listed once per FileModel object: after an edit,
 * every other file keeps its model, so a new graph lists only the edited one.
 */
const callSitesIn = oncePer((file: FileModel): CallSite[] => {
  const sites: CallSite[] = [];
  for (const fn of file.functions) if (fn.origin !== 'patch-pre') collectSites(fn.name, fn.body, sites);
  return sites;
});

/**
 * Per file: the names its plain direct calls name (an edge exactly when the
 * name has a definition), and the other call sites, whose edges need the graph.
 */
const callsOutOf = oncePer((file: FileModel): { direct: string[]; other: CallSite[] } => {
  const direct = new Set<string>();
  const other: CallSite[] = [];
  for (const site of callSitesIn(file)) {
    if (isDirectCall(site.call) && !site.call.body?.length) direct.add(site.call.callee);
    else if (!site.call.op) other.push(site);
  }
  return { direct: [...direct], other };
});

/** A call by name, no op, dispatch list or function pointer: it goes to `callee` exactly when that has a definition. */
export function isDirectCall(call: CallStmt): boolean {
  return !call.op && !call.dispatch?.length && !call.indirect;
}

function collectSites(from: string, body: readonly Stmt[], into: CallSite[]): void {
  forEachCall(body, (call) => {
    into.push({ from, call });
    // Notes nest the callee's body under the call: the callee's calls are its edges.
    if (call.body?.length && !call.op) collectSites(call.dispatch?.[0] ?? call.callee, call.body, into);
  });
}

export class CallGraph {
  /** Definitions by name, best first. Pre-patch text is kept apart (see `preImage`). */
  readonly definitions = new Map<string, FunctionSummary[]>();
  /** Ops-table bindings by member, and by static-call key (`kvm_x86_` + member). */
  private readonly byMember = new Map<string, OpsBinding[]>();
  private readonly byStaticKey = new Map<string, OpsBinding[]>();
  private edgeList: CallEdge[] | undefined;
  /** The graph this one was built to follow, and what differs from it (see `changesFrom`). */
  private readonly base: { graph: WeakRef<CallGraph>; changes: GraphChanges } | undefined;

  /**
   * `previous`, when given, is the graph of the run before: lookups cached
   * against it are then re-checked only where the two differ.
   */
  constructor(private readonly files: readonly FileModel[], previous?: CallGraph) {
    for (const binding of files.flatMap((f) => f.opsBindings)) {
      // `static_call(kvm_x86_mem_enc_ioctl)` is member mem_enc_ioctl of a `struct kvm_x86_ops`.
      const key = `${binding.structType.replace(/_ops$/, '')}_${binding.member}`;
      addTo(this.byMember, binding.member, binding);
      addTo(this.byStaticKey, key, binding);
    }
    for (const file of files) for (const fn of file.functions) addTo(this.definitions, fn.name, fn);
    for (const list of this.definitions.values()) if (list.length > 1) list.sort((a, b) => ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin]);
    if (previous) this.base = { graph: new WeakRef(previous), changes: this.changesSince(previous) };
  }

  /**
   * What may answer differently here than in `graph`: names whose definitions
   * changed (or appeared, or went), and whether any ops binding did. Known
   * only for the graph this one was built to follow; undefined for any other.
   */
  changesFrom(graph: CallGraph): GraphChanges | undefined {
    return this.base?.graph.deref() === graph ? this.base.changes : undefined;
  }

  private changesSince(previous: CallGraph): GraphChanges {
    const names = new Set<string>();
    for (const [name, list] of this.definitions) if (!sameList(list, previous.definitions.get(name))) names.add(name);
    for (const name of previous.definitions.keys()) if (!this.definitions.has(name)) names.add(name);
    const bindings = this.byMember.size !== previous.byMember.size ||
      [...this.byMember].some(([member, list]) => !sameList(list, previous.byMember.get(member)));
    return { names, bindings };
  }

  /** Every edge, file by file in code order (listed on first use: the checks need only lookups). */
  get edges(): readonly CallEdge[] {
    if (!this.edgeList) {
      this.edgeList = [];
      for (const site of this.files.flatMap(callSitesIn)) this.edgeList.push(...this.edgesOf(site));
    }
    return this.edgeList;
  }

  private edgesOf({ from, call }: CallSite): CallEdge[] {
    const edges: CallEdge[] = this.targets(call).map((target) => ({ from, to: target.name, kind: target.kind, loc: call.loc }));
    if (call.body?.length && !call.op && !call.dispatch?.length && !this.definitions.has(call.callee)) {
      edges.push({ from, to: call.callee, kind: 'notes', loc: call.loc });
    }
    return edges;
  }

  /** The definition calls go to: the post-patch text if any, else C, else notes. */
  definition(name: string): FunctionSummary | undefined {
    const list = this.definitions.get(name);
    if (list) for (const fn of list) if (fn.origin !== 'patch-pre') return fn;
    return undefined;
  }

  /** The pre-patch definition, when a patch changed `name`. */
  preImage(name: string): FunctionSummary | undefined {
    return this.definitions.get(name)?.find((f) => f.origin === 'patch-pre');
  }

  /** Where a call can go, with how each target was found. */
  targets(call: CallStmt): { name: string; kind: EdgeKind }[] {
    if (call.op) return [];
    if (call.dispatch?.length) return call.dispatch.map((name) => ({ name, kind: 'dispatch' as const }));
    if (!call.indirect) return this.definitions.has(call.callee) ? [{ name: call.callee, kind: 'direct' }] : [];
    const { via, member } = call.indirect;
    if (via === 'static_call') {
      return unique((this.byStaticKey.get(member) ?? []).map((b) => ({ name: b.target, kind: 'static_call' as const })));
    }
    if (via === 'notifier') {
      return unique((this.byMember.get('notifier_call') ?? []).map((b) => ({ name: b.target, kind: 'notifier' as const })));
    }
    if (via === 'ops') {
      return unique((this.byMember.get(member) ?? []).map((b) => ({ name: b.target, kind: 'ops' as const })));
    }
    return [];
  }

  /**
   * `targets(call)` as one string, equal for equal answers: how cached
   * results check that a call still goes where it went. Allocates nothing
   * for the common direct call.
   */
  targetKey(call: CallStmt): string {
    if (isDirectCall(call)) return this.definitions.has(call.callee) ? call.callee : '';
    return this.targets(call).map((t) => `${t.kind}:${t.name}`).join(',');
  }

  /** Functions nobody calls: where threads start unless the user names others. */
  roots(): FunctionSummary[] {
    const called = new Set<string>();
    for (const file of this.files) {
      const { direct, other } = callsOutOf(file);
      for (const name of direct) if (this.definitions.has(name)) called.add(name);
      for (const site of other) for (const edge of this.edgesOf(site)) called.add(edge.to);
    }
    const roots: FunctionSummary[] = [];
    for (const [name] of this.definitions) {
      const fn = this.definition(name);
      if (fn && (fn.entry || !called.has(name))) roots.push(fn);
    }
    // By file (in localeCompare's order, computed once per file name), then line.
    const files = [...new Set(roots.map((r) => r.file))].sort((a, b) => a.localeCompare(b));
    const rank = new Map(files.map((file, i) => [file, i]));
    return roots.sort((a, b) => rank.get(a.file)! - rank.get(b.file)! || a.loc.line - b.loc.line);
  }
}

/** What differs between a graph and the one it was built to follow. */
export interface GraphChanges {
  /** Names whose definitions differ: `definition()` and direct `targets()` may answer otherwise for these only. */
  names: ReadonlySet<string>;
  /** Ops bindings differ: indirect calls may go elsewhere. */
  bindings: boolean;
}

function sameList<T>(list: readonly T[], other: readonly T[] | undefined): boolean {
  return other !== undefined && list.length === other.length && list.every((item, i) => item === other[i]);
}

function unique(targets: { name: string; kind: EdgeKind }[]): { name: string; kind: EdgeKind }[] {
  const seen = new Set<string>();
  return targets.filter((t) => !seen.has(t.name) && seen.add(t.name));
}

/** Visits every statement in a body: branches, cases, loops and the notes' nested calls included. */
export function forEachStmt(body: readonly Stmt[], visit: (stmt: Stmt) => void): void {
  for (const stmt of body) {
    visit(stmt);
    switch (stmt.kind) {
      case 'call': if (stmt.body) forEachStmt(stmt.body, visit); break;
      case 'branch': forEachStmt(stmt.then, visit); forEachStmt(stmt.else, visit); break;
      case 'switch': for (const c of stmt.cases) forEachStmt(c.body, visit); break;
      case 'loop': forEachStmt(stmt.head, visit); forEachStmt(stmt.body, visit); break;
      default: break;
    }
  }
}

/** Visits every call in a body, branches and loops included, but not notes-nested bodies. */
export function forEachCall(body: readonly Stmt[], visit: (call: CallStmt) => void): void {
  for (const stmt of body) {
    switch (stmt.kind) {
      case 'call': visit(stmt); break;
      case 'branch': forEachCall(stmt.then, visit); forEachCall(stmt.else, visit); break;
      case 'switch': for (const c of stmt.cases) forEachCall(c.body, visit); break;
      case 'loop': forEachCall(stmt.head, visit); forEachCall(stmt.body, visit); break;
      default: break;
    }
  }
}
