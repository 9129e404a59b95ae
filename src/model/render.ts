// A stable text rendering of function summaries: what `racelens graph`
// prints and what the fixtures' expectation files hold. Lines are 1-based.

import type { FunctionSummary, Stmt, SyncOp } from './types';

export function renderOp(op: SyncOp): string {
  const parts = [`${op.family}.${op.action}`];
  if (op.mode) parts.push(op.mode);
  if (op.object) parts.push(op.object.id);
  if (op.operand !== undefined) parts.push(`operand=${op.operand}`);
  if (op.subclass !== undefined) parts.push(`subclass=${op.subclass}`);
  if (op.callback !== undefined) parts.push(`callback=${op.callback}`);
  if (op.cpuEffect) parts.push(op.cpuEffect);
  if (op.scoped) parts.push('scoped');
  if (op.implicit) parts.push('implicit');
  if (op.sleeps) parts.push('sleeps');
  return parts.join(' ');
}

export function renderStmts(stmts: readonly Stmt[], indent: string): string[] {
  const lines: string[] = [];
  for (const stmt of stmts) {
    const at = `@${stmt.loc.line + 1}`;
    switch (stmt.kind) {
      case 'call': {
        let line = `${indent}call ${stmt.callee}(${stmt.args.join(', ')})`;
        if (stmt.assignTo) line += ` -> ${stmt.assignTo}`;
        if (stmt.indirect) line += ` via ${stmt.indirect.via}:${stmt.indirect.member}`;
        if (stmt.op) line += ` [${renderOp(stmt.op)}]`;
        if (stmt.dispatch?.length) line += ` => ${stmt.dispatch.join(', ')}`;
        lines.push(`${line} ${at}`);
        if (stmt.body?.length) lines.push(...renderStmts(stmt.body, indent + '  '));
        break;
      }
      case 'branch':
        lines.push(`${indent}if ${stmt.cond} {${stmt.tests.map(renderTest).join(', ')}} ${at}`);
        lines.push(...renderStmts(stmt.then, indent + '  '));
        if (stmt.else.length) {
          lines.push(`${indent}else`);
          lines.push(...renderStmts(stmt.else, indent + '  '));
        }
        break;
      case 'switch':
        lines.push(`${indent}switch ${stmt.on} ${at}`);
        for (const c of stmt.cases) {
          lines.push(`${indent}case ${c.labels.join(', ')}`);
          lines.push(...renderStmts(c.body, indent + '  '));
        }
        break;
      case 'loop':
        lines.push(`${indent}loop ${stmt.macro ? `${stmt.macro} ` : ''}${stmt.cond} ${at}`);
        if (stmt.head.length) {
          lines.push(`${indent}  head`);
          lines.push(...renderStmts(stmt.head, indent + '    '));
        }
        lines.push(...renderStmts(stmt.body, indent + '  '));
        break;
      case 'return':
        lines.push(`${indent}return${stmt.value !== undefined ? ` ${stmt.value}` : ''} ${at}`);
        break;
      case 'goto':
        lines.push(`${indent}goto ${stmt.label} ${at}`);
        break;
      case 'label':
        lines.push(`${indent}label ${stmt.name} ${at}`);
        break;
      case 'break':
      case 'continue':
        lines.push(`${indent}${stmt.kind} ${at}`);
        break;
      case 'path':
        lines.push(`${indent}path ${stmt.text} ${at}`);
        break;
      case 'assign':
        lines.push(`${indent}set ${stmt.target} = ${stmt.value} ${at}`);
        break;
      case 'access':
        lines.push(`${indent}${stmt.access} ${stmt.object.id}${stmt.value !== undefined ? ` = ${stmt.value}` : ''} ${at}`);
        break;
    }
  }
  return lines;
}

function renderTest(test: import('./types').ConditionTest): string {
  switch (test.kind) {
    case 'result': return `result:${test.of}`;
    case 'object': return `object:${test.object.id}`;
    case 'param': return `param:${test.name}`;
    case 'local': return `local:${test.name}`;
    case 'config': return `config:${test.symbol}`;
  }
}

export function renderFunction(fn: FunctionSummary): string {
  const flags = [fn.origin, ...(fn.entry ? ['entry'] : [])];
  const notes = [
    ...fn.annotations.acquires.map((a) => `__acquires(${a})`),
    ...fn.annotations.releases.map((a) => `__releases(${a})`),
    ...fn.annotations.mustHold.map((a) => `__must_hold(${a})`),
  ];
  const head = `fn ${fn.name}(${fn.params.join(', ')}) [${flags.join(', ')}]${notes.length ? ' ' + notes.join(' ') : ''} @${fn.loc.line + 1}`;
  return [head, ...renderStmts(fn.body, '  ')].join('\n');
}
