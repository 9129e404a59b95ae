// The reference part of a locking doc: a ``name`` title underlined with
// `^^^`, then `:Type:`, `:Arch:`, `:Protects:` (text or a `- item` list) and
// `:Comment:` fields. Each entry becomes a LockReference.

import type { InputProblem, LockReference, SourceLoc } from '../model/types';
import type { Block } from './lockingDocBlocks';
import { buildRun, CUT_MARK, docLoc, lockClass, squash, unquote, type LockDoc, type Segment } from './lockingDocText';

const REFERENCE_TITLE = /^``([^`]+)``$/;
const REFERENCE_FIELDS = new Set(['Type', 'Arch', 'Protects', 'Comment']);

type FieldBlock = Extract<Block, { kind: 'field' }>;

interface Entry {
  name: string;
  loc: SourceLoc;
  fields: Map<string, FieldBlock>;
}

export function readReferences(doc: LockDoc, blocks: readonly Block[], problems: InputProblem[]): LockReference[] {
  const references: LockReference[] = [];
  const report = (loc: SourceLoc, severity: InputProblem['severity'], message: string): void => {
    problems.push({ loc, severity, message });
  };
  /** The entry being read; 'skipped' after a title whose name the diff view cut off. */
  let current: Entry | 'skipped' | undefined;
  const finish = (): void => {
    if (current !== undefined && current !== 'skipped') references.push(toReference(doc, current, report));
    current = undefined;
  };

  for (const block of blocks) {
    if (block.kind === 'title') {
      finish();
      const loc = docLoc(doc, { line: block.line, col: block.col }, { line: block.line, col: block.col + block.text.length });
      const title = REFERENCE_TITLE.exec(block.text);
      if (title) {
        current = { name: (title[1] ?? '').trim(), loc, fields: new Map() };
      } else if (block.text.startsWith('``') && doc.lines[block.line]?.cut !== 'none') {
        report(loc, 'warning', `the diff view cuts off this reference's name "${block.text.slice(2)}"; entry skipped`);
        current = 'skipped';
      }
      continue;
    }
    if (block.kind !== 'field' || current === 'skipped') continue;
    const loc = docLoc(doc, { line: block.line, col: block.col }, { line: block.line, col: block.col + block.name.length + 2 });
    if (current === undefined) {
      if (REFERENCE_FIELDS.has(block.name)) report(loc, 'warning', `\`:${block.name}:\` before any \`\`name\`\` title; ignored`);
      continue;
    }
    if (!REFERENCE_FIELDS.has(block.name)) {
      report(loc, 'warning', `unknown field \`:${block.name}:\` in the entry for \`${current.name}\`; ignored`);
    } else if (current.fields.has(block.name)) {
      report(loc, 'warning', `second \`:${block.name}:\` in the entry for \`${current.name}\`; the first is kept`);
    } else {
      current.fields.set(block.name, block);
    }
  }
  finish();
  return references;
}

type Report = (loc: SourceLoc, severity: InputProblem['severity'], message: string) => void;

function toReference(doc: LockDoc, entry: Entry, report: Report): LockReference {
  const fieldText = (name: string): string => {
    const field = entry.fields.get(name);
    if (!field) return '';
    const text = squash(unquote(buildRun(doc, field.segments).text));
    if (text.includes(CUT_MARK)) {
      const loc = docLoc(doc, { line: field.line, col: field.col }, { line: field.line, col: field.col + name.length + 2 });
      report(loc, 'info', `the diff view cuts off \`:${name}:\` of \`${entry.name}\`; ${CUT_MARK} marks the gaps`);
    }
    if (text === '') report(entry.loc, 'warning', `empty \`:${name}:\` in the entry for \`${entry.name}\``);
    return text;
  };
  const type = fieldText('Type');
  const arch = fieldText('Arch');
  const comment = fieldText('Comment');
  const protectsField = entry.fields.get('Protects');
  const protects = protectsField ? protectedItems(doc, protectsField.segments) : [];
  fieldText('Protects'); // reports cuts and emptiness like the other fields
  if (!entry.fields.has('Type')) report(entry.loc, 'warning', `the entry for \`${entry.name}\` has no \`:Type:\``);

  let object = lockClass(entry.name);
  if (object === undefined) {
    report(entry.loc, 'warning', `\`${entry.name}\` does not name a lock RaceLens can identify; its class is left as written`);
    object = entry.name;
  }
  return { name: entry.name, object, type, arch, protects, comment, loc: entry.loc };
}

/** `- a` / `- b` items, or a comma list of plain names, or one text. */
function protectedItems(doc: LockDoc, segments: readonly Segment[]): string[] {
  const items: Segment[][] = [];
  for (const segment of segments) {
    const marker = /^-\s*/.exec(segment.text);
    if (marker) items.push([{ ...segment, col: segment.col + marker[0].length, text: segment.text.slice(marker[0].length) }]);
    else if (items.length > 0) items[items.length - 1]?.push(segment);
    else items.push([segment]);
  }
  const texts = items.map((item) => squash(unquote(buildRun(doc, item).text))).filter((t) => t !== '');
  const only = texts[0];
  if (texts.length === 1 && only !== undefined && !/^-/.test(segments[0]?.text ?? '')) {
    const parts = only.split(/\s*,\s*/);
    if (parts.length > 1 && parts.every((p) => /^[\w>.:-]+$/.test(p))) return parts;
  }
  return texts;
}
