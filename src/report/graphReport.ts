// `racelens graph`: the call graph and each entry point's inlined sequence
// of synchronization operations, as text or JSON.

import type { CallGraph } from '../model/callGraph';
import { inlineEntry, walkSteps, type Step } from '../model/inline';
import { renderOp } from '../model/render';
import type { FunctionSummary, InputProblem, SourceLoc } from '../model/types';

export interface EntrySequence {
  entry: string;
  loc: SourceLoc;
  steps: Step[];
}

export function entrySequences(graph: CallGraph, entries: readonly FunctionSummary[]): EntrySequence[] {
  return entries.map((fn) => ({ entry: fn.name, loc: fn.loc, steps: inlineEntry(graph, fn) }));
}

/** How a file is named in the text: the command line prints its own paths, the editor workspace-relative ones. */
export type FileName = (file: string) => string;

const where = (loc: SourceLoc, name: FileName) => `${name(loc.file)}:${loc.line + 1}:${loc.col + 1}`;

/** Does this subtree hold a sync op or a shared access worth printing? */
function interesting(step: Step): boolean {
  for (const s of walkSteps([step])) {
    if (s.kind === 'call' && (s.call.op || s.cut)) return true;
    if (s.kind === 'stmt' && s.stmt.kind === 'access') return true;
  }
  return false;
}

function renderSteps(steps: readonly Step[], indent: string, out: string[], name: FileName): void {
  for (const step of steps) {
    if (!interesting(step)) continue;
    switch (step.kind) {
      case 'call':
        if (step.call.op) {
          out.push(`${indent}${step.call.callee}(${step.call.args.join(', ')})  ${renderOp(step.call.op)}  ${where(step.call.loc, name)}`);
        } else if (step.cut) {
          out.push(`${indent}${step.call.callee}: not inlined (${step.cut === 'recursion' ? 'recursion cut' : 'depth bound reached'})  ${where(step.call.loc, name)}`);
        } else {
          const via = step.target && step.target.via !== 'direct' && step.target.via !== 'notes-body' ? ` via ${step.target.via}` : '';
          out.push(`${indent}${step.target?.name ?? step.call.callee}()${via}`);
          renderSteps(step.body, indent + '  ', out, name);
        }
        break;
      case 'stmt':
        if (step.stmt.kind === 'access') out.push(`${indent}${step.stmt.text}  ${step.stmt.access} ${step.stmt.object.id}  ${where(step.stmt.loc, name)}`);
        break;
      case 'branch':
        out.push(`${indent}if (${step.stmt.cond})`);
        renderSteps(step.then, indent + '  ', out, name);
        if (step.else.some(interesting)) {
          out.push(`${indent}else`);
          renderSteps(step.else, indent + '  ', out, name);
        }
        break;
      case 'switch':
        for (const c of step.cases) {
          if (!c.body.some(interesting)) continue;
          out.push(`${indent}case ${c.labels.join(', ')} of (${step.stmt.on})`);
          renderSteps(c.body, indent + '  ', out, name);
        }
        break;
      case 'loop':
        out.push(`${indent}loop (${step.stmt.macro ? step.stmt.cond : step.stmt.cond})`);
        renderSteps(step.head, indent + '  ', out, name);
        renderSteps(step.body, indent + '  ', out, name);
        break;
    }
  }
}

export interface ObjectUse {
  object: string;
  identifiedBy: string;
  entry: string;
  primitive: string;
  loc: SourceLoc;
}

/** Every object the entry points touch, with each use. */
export function objectUses(sequences: readonly EntrySequence[]): Map<string, ObjectUse[]> {
  const uses = new Map<string, ObjectUse[]>();
  for (const seq of sequences) {
    for (const step of walkSteps(seq.steps)) {
      const found = step.kind === 'call' && step.call.op?.object
        ? { object: step.call.op.object, primitive: step.call.callee, loc: step.call.loc }
        : step.kind === 'stmt' && step.stmt.kind === 'access'
          ? { object: step.stmt.object, primitive: step.stmt.access, loc: step.stmt.loc }
          : undefined;
      if (!found) continue;
      const list = uses.get(found.object.id) ?? [];
      list.push({ object: found.object.id, identifiedBy: found.object.identifiedBy, entry: seq.entry, primitive: found.primitive, loc: found.loc });
      uses.set(found.object.id, list);
    }
  }
  return new Map([...uses].sort(([a], [b]) => a.localeCompare(b)));
}

export function renderGraphText(graph: CallGraph, sequences: readonly EntrySequence[], problems: readonly InputProblem[], name: FileName = (file) => file): string {
  const out: string[] = ['Call graph'];
  const byCaller = new Map<string, string[]>();
  for (const edge of graph.edges) {
    const list = byCaller.get(edge.from) ?? [];
    const label = `${edge.to}${edge.kind === 'direct' ? '' : ` (${edge.kind})`}`;
    if (!list.includes(label)) list.push(label);
    byCaller.set(edge.from, list);
  }
  for (const [caller, callees] of [...byCaller].sort(([a], [b]) => a.localeCompare(b))) out.push(`  ${caller} -> ${callees.join(', ')}`);
  for (const seq of sequences) {
    out.push('', `Entry ${seq.entry}  ${where(seq.loc, name)}`);
    renderSteps(seq.steps, '  ', out, name);
  }
  out.push('', 'Objects');
  for (const [object, uses] of objectUses(sequences)) {
    const entries = [...new Set(uses.map((u) => u.entry))];
    const prims = [...new Set(uses.map((u) => u.primitive))];
    out.push(`  ${object}: ${prims.join(', ')}  [${entries.join(', ')}]`);
  }
  if (problems.length > 0) {
    out.push('', 'Input problems');
    for (const p of problems) out.push(`  ${where(p.loc, name)}: ${p.severity}: ${p.message}`);
  }
  return out.join('\n') + '\n';
}

export function renderGraphJson(graph: CallGraph, sequences: readonly EntrySequence[], problems: readonly InputProblem[]): string {
  const functions = [...graph.definitions.values()].flat().map((f) => ({ name: f.name, origin: f.origin, file: f.file, line: f.loc.line + 1, entry: f.entry }));
  return JSON.stringify({
    functions,
    edges: graph.edges.map((e) => ({ from: e.from, to: e.to, kind: e.kind, file: e.loc.file, line: e.loc.line + 1 })),
    entries: sequences.map((s) => ({ entry: s.entry, file: s.loc.file, line: s.loc.line + 1, steps: s.steps })),
    objects: Object.fromEntries(objectUses(sequences)),
    problems,
  }, null, 2) + '\n';
}
