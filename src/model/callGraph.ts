// The call graph across everything open: direct calls, ops tables
// (`.mem_enc_ioctl = vt_mem_enc_ioctl`), static calls (`static_call(kvm_x86_X)`
// reaches ops member X), notifier blocks (`.notifier_call = f`) and the notes'
// `=>` edges. Every edge keeps the call's location.

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

export class CallGraph {
  /** Definitions by name, best first. Pre-patch text is kept apart (see `preImage`). */
  readonly definitions = new Map<string, FunctionSummary[]>();
  readonly edges: CallEdge[] = [];
  /** Ops-table bindings by member, and by static-call key (`kvm_x86_` + member). */
  private readonly byMember = new Map<string, OpsBinding[]>();
  private readonly byStaticKey = new Map<string, OpsBinding[]>();

  constructor(files: readonly FileModel[]) {
    for (const binding of files.flatMap((f) => f.opsBindings)) {
      // `static_call(kvm_x86_mem_enc_ioctl)` is member mem_enc_ioctl of a `struct kvm_x86_ops`.
      const key = `${binding.structType.replace(/_ops$/, '')}_${binding.member}`;
      this.byMember.set(binding.member, [...(this.byMember.get(binding.member) ?? []), binding]);
      this.byStaticKey.set(key, [...(this.byStaticKey.get(key) ?? []), binding]);
    }
    for (const fn of files.flatMap((f) => f.functions)) {
      const list = this.definitions.get(fn.name) ?? [];
      list.push(fn);
      this.definitions.set(fn.name, list);
    }
    for (const list of this.definitions.values()) list.sort((a, b) => ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin]);
    for (const list of this.definitions.values()) {
      for (const fn of list) if (fn.origin !== 'patch-pre') this.collectEdges(fn.name, fn.body);
    }
  }

  /** The definition calls go to: the post-patch text if any, else C, else notes. */
  definition(name: string): FunctionSummary | undefined {
    return this.definitions.get(name)?.find((f) => f.origin !== 'patch-pre');
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

  private collectEdges(from: string, body: readonly Stmt[]): void {
    forEachCall(body, (call) => {
      for (const target of this.targets(call)) this.edges.push({ from, to: target.name, kind: target.kind, loc: call.loc });
      // Notes nest the callee's body under the call: the callee's calls are its edges.
      if (call.body?.length && !call.op) {
        const callee = call.dispatch?.[0] ?? call.callee;
        if (!call.dispatch?.length && !this.definitions.has(call.callee)) {
          this.edges.push({ from, to: call.callee, kind: 'notes', loc: call.loc });
        }
        this.collectEdges(callee, call.body);
      }
    });
  }

  /** Functions nobody calls: where threads start unless the user names others. */
  roots(): FunctionSummary[] {
    const called = new Set(this.edges.map((e) => e.to));
    const roots: FunctionSummary[] = [];
    for (const [name] of this.definitions) {
      const fn = this.definition(name);
      if (fn && (fn.entry || !called.has(name))) roots.push(fn);
    }
    return roots.sort((a, b) => a.file.localeCompare(b.file) || a.loc.line - b.loc.line);
  }
}

function unique(targets: { name: string; kind: EdgeKind }[]): { name: string; kind: EdgeKind }[] {
  const seen = new Set<string>();
  return targets.filter((t) => !seen.has(t.name) && seen.add(t.name));
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
