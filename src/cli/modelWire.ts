// A file's model as it crosses from a read worker to the thread that asked:
// JSON, made smaller where it repeats itself. A statement's location loses
// its file (the model's own) and its keys, `[line, col, endLine, endCol]`;
// each distinct sync operation is written once, in a table, and statements
// point at it by index. On this 2-core machine the JSON of a model was a
// fifth of what a worker's file cost the pool; the shared operations also
// make the models on the receiving side smaller (they are never modified).

import { forEachStmt } from '../model/callGraph';
import type { FileModel, ObjectRef, SourceLoc, SyncOp } from '../model/types';

type WireLoc = [number, number, number, number];

/** Turns `model` into wire text. The model is taken apart in the process: the sender must not use it after. */
export function encodeModel(model: FileModel): string {
  const ops: SyncOp[] = [];
  const opIndex = new Map<string, number>();
  const file = model.file;
  const packLoc = (holder: { loc: SourceLoc }): void => {
    const loc = holder.loc;
    if (!Array.isArray(loc) && loc.file === file) (holder as unknown as { loc: WireLoc }).loc = [loc.line, loc.col, loc.endLine, loc.endCol];
  };
  const objects = new Map<ObjectRef, number>();
  // The reader shares equal ops (syncOpFor), so most are found by identity; a key finds the rest.
  const byIdentity = new Map<SyncOp, number>();
  const packOp = (op: SyncOp): number => {
    let index = byIdentity.get(op);
    if (index !== undefined) return index;
    const key = opKey(op, objects);
    index = opIndex.get(key);
    if (index === undefined) {
      index = ops.length;
      ops.push(op);
      opIndex.set(key, index);
    }
    byIdentity.set(op, index);
    return index;
  };
  for (const fn of model.functions) {
    packLoc(fn);
    forEachStmt(fn.body, (stmt) => {
      packLoc(stmt);
      // (A statement reached twice is packed once: its op is a number by then.)
      if (stmt.kind === 'call' && typeof stmt.op === 'object') (stmt as unknown as { op: number }).op = packOp(stmt.op);
    });
  }
  return JSON.stringify({ ops, model });
}

/** Every field of SyncOp (the compiler holds this list to the type), the object last. */
const OP_FIELDS = Object.keys({
  primitive: true, family: true, action: true, mode: true, operand: true, subclass: true, sleeps: true,
  scoped: true, implicit: true, cpuEffect: true, callback: true, object: true,
} satisfies Record<keyof SyncOp, true>) as (keyof SyncOp)[];

/**
 * Every field of an op, so that two ops share a key only when they are equal;
 * the object by its number in `objects` (object references are shared by the
 * reader, so identity is cheap, and two equal ones apart only cost a row).
 */
function opKey(op: SyncOp, objects: Map<ObjectRef, number>): string {
  let key = '';
  for (const field of OP_FIELDS) {
    const value = op[field];
    if (typeof value !== 'object') key += `${value}\u0001`;
    else {
      let number = objects.get(value);
      if (number === undefined) objects.set(value, number = objects.size);
      key += number;
    }
  }
  return key;
}

/** The model `encodeModel` wrote. Its statements share one object per distinct sync operation. */
export function decodeModel(text: string): FileModel {
  const { ops, model } = JSON.parse(text) as { ops: SyncOp[]; model: FileModel };
  const file = model.file;
  const unpackLoc = (holder: { loc: SourceLoc }): void => {
    const loc = holder.loc as unknown;
    if (Array.isArray(loc)) {
      const [line, col, endLine, endCol] = loc as WireLoc;
      holder.loc = { file, line, col, endLine, endCol };
    }
  };
  for (const fn of model.functions) {
    unpackLoc(fn);
    forEachStmt(fn.body, (stmt) => {
      unpackLoc(stmt);
      const op = (stmt as { op?: unknown }).op;
      if (stmt.kind === 'call' && typeof op === 'number') stmt.op = ops[op];
    });
  }
  return model;
}
