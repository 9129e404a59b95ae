// Reads lock-order documentation in the style of KVM's
// Documentation/virt/kvm/locking.rst: the acquisition-order rules written as
// prose, and the reference entries (``name``, :Type:, :Arch:, :Protects:,
// :Comment:). Takes a plain .rst file or a web diff view of two versions of
// one; for a diff view each version is read on its own and the results
// merged, rules stated identically by both kept once.

import type { InputProblem, LockReference, LockRule, SourceLoc } from '../model/types';
import { scanBlocks } from './lockingDocBlocks';
import { isDiffView, readDiffView } from './lockingDocDiff';
import { readReferences } from './lockingDocRefs';
import { nameCompleter, rulesInRun, type RuleContext } from './lockingDocRules';
import { buildRun, type LockDoc } from './lockingDocText';

export interface LockingDoc {
  rules: LockRule[];
  references: LockReference[];
  problems: InputProblem[];
}

const SNIFF_BYTES = 256 * 1024;

/** A cheap look for the workspace loader: does this text read as a locking doc? */
export function looksLikeLockingDoc(text: string): boolean {
  const sample = text.slice(0, SNIFF_BYTES);
  if (binaryReason(sample) !== undefined) return false;
  return /\b(?:is|are)\s+taken\s+outside\b/.test(sample)
    || /^\s*:Type:\s+\S/m.test(sample)
    || /^Differences between \S*locking\S*\.rst\b/m.test(sample)
    || /synchroni[sz]e_srcu\([^)]*\)`*\s+is\s+called\s+inside\s+critical\s+sections?/.test(sample);
}

/** Reads rules and references; bad input gives problems with locations, never an exception. */
export function readLockingDoc(text: string, file: string): LockingDoc {
  try {
    return read(text, file);
  } catch (error) {
    // A reader bug must not take the workspace down with it: report it on the file.
    return { rules: [], references: [], problems: [{ loc: pointLoc(file), severity: 'error', message: `RaceLens failed reading this locking doc: ${String(error)}` }] };
  }
}

function read(text: string, file: string): LockingDoc {
  const binary = binaryReason(text.slice(0, SNIFF_BYTES));
  if (binary !== undefined) return { rules: [], references: [], problems: [{ loc: pointLoc(file), severity: 'error', message: binary }] };

  const lines = text.split(/\r?\n/);
  const problems: InputProblem[] = [];
  let docs: LockDoc[];
  if (isDiffView(lines)) {
    const view = readDiffView(lines, file);
    problems.push(...view.problems);
    docs = [view.left, view.right];
  } else {
    docs = [{ file, label: undefined, lines: lines.map((line, row) => ({ text: line, row, col: 0, cut: 'none' })) }];
  }

  const perDoc = docs.map((doc) => readOne(doc, problems));
  const rules = mergeRules(perDoc, problems);
  const references = mergeReferences(perDoc, problems);
  return { rules, references, problems: sortedUnique(problems) };
}

interface DocResult {
  doc: LockDoc;
  rules: LockRule[];
  references: LockReference[];
  /** Rows where the diff view cut a rule of this version beyond reading. */
  cutRows: Set<number>;
}

function readOne(doc: LockDoc, problems: InputProblem[]): DocResult {
  const blocks = scanBlocks(doc);
  const context: RuleContext = { doc, complete: nameCompleter(doc), problems, cutRows: new Set() };
  const rules: LockRule[] = [];
  for (const block of blocks) {
    // Comments are prose too: KVM's doc states one order inside a :Comment:.
    const prose = block.kind === 'prose' || (block.kind === 'field' && block.name === 'Comment');
    if (prose) rules.push(...rulesInRun(context, buildRun(doc, block.segments)));
  }
  return { doc, rules, references: readReferences(doc, blocks, problems), cutRows: context.cutRows };
}

/** Same meaning, same key: the text and place a rule was stated do not matter. */
function ruleKey(rule: LockRule): string {
  switch (rule.kind) {
    case 'order': return `order ${rule.outer} > ${rule.inner}`;
    case 'sync-inside': return `sync-inside ${rule.domain}: ${[...rule.locks].sort().join(', ')}`;
    case 'allowed-in-read-side': return `allowed-in-read-side ${rule.domain}: ${rule.lock}`;
  }
}

/** One rule per meaning, at its first location; notes the rules only one version states. */
function mergeRules(perDoc: readonly DocResult[], problems: InputProblem[]): LockRule[] {
  const stated = new Map<string, { rule: LockRule; versions: Set<DocResult> }>();
  for (const result of perDoc) {
    for (const rule of result.rules) {
      const key = ruleKey(rule);
      const seen = stated.get(key);
      if (!seen) stated.set(key, { rule, versions: new Set([result]) });
      else {
        seen.versions.add(result);
        if (compareLoc(rule.loc, seen.rule.loc) < 0) seen.rule = rule;
      }
    }
  }
  if (perDoc.length > 1) {
    for (const { rule, versions } of stated.values()) {
      const missing = perDoc.filter((r) => !versions.has(r));
      if (missing.length === 0) continue;
      const stating = [...versions].map((r) => r.doc.label).join(' and ');
      // A version whose line here was cut may well state the rule too: say so rather than "only".
      const cut = missing.filter((r) => r.cutRows.has(rule.loc.line)).map((r) => r.doc.label);
      const message = cut.length > 0
        ? `${stating} states this rule; ${cut.join(' and ')} may too, but the diff view cuts its line: ${rule.text}`
        : `only ${stating} states this rule: ${rule.text}`;
      problems.push({ loc: rule.loc, severity: 'info', message });
    }
  }
  return [...stated.values()].map((s) => s.rule).sort((a, b) => compareLoc(a.loc, b.loc));
}

/** Entries both versions give identically are kept once; differing ones both, with a note. */
function mergeReferences(perDoc: readonly DocResult[], problems: InputProblem[]): LockReference[] {
  const byContent = new Map<string, LockReference>();
  const labelsByName = new Map<string, { first: LockReference; contents: Set<string>; labels: Set<string> }>();
  for (const { doc, references } of perDoc) {
    for (const reference of references) {
      const key = JSON.stringify({ ...reference, loc: undefined });
      const kept = byContent.get(key);
      if (!kept || compareLoc(reference.loc, kept.loc) < 0) byContent.set(key, reference);
      const named = labelsByName.get(reference.name) ?? { first: reference, contents: new Set(), labels: new Set() };
      named.contents.add(key);
      named.labels.add(doc.label ?? '');
      labelsByName.set(reference.name, named);
    }
  }
  for (const [name, named] of labelsByName) {
    if (named.contents.size > 1 && named.labels.size > 1) {
      problems.push({ loc: named.first.loc, severity: 'info', message: `${[...named.labels].join(' and ')} describe \`${name}\` differently; both entries kept` });
    }
  }
  return [...byContent.values()].sort((a, b) => compareLoc(a.loc, b.loc));
}

function compareLoc(a: SourceLoc, b: SourceLoc): number {
  return a.line - b.line || a.col - b.col;
}

/** Problems in file order, each once: both versions of a diff view report shared lines alike. */
function sortedUnique(problems: readonly InputProblem[]): InputProblem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = JSON.stringify([p.loc, p.severity, p.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => compareLoc(a.loc, b.loc));
}

function pointLoc(file: string): SourceLoc {
  return { file, line: 0, col: 0, endLine: 0, endCol: 0 };
}

/** Why the text is not a document at all, or undefined when it is text. */
function binaryReason(sample: string): string | undefined {
  if (sample.includes('\0')) return 'file holds binary data (NUL bytes); not read as a locking doc';
  const controls = sample.match(/[\x01-\x08\x0e-\x1f\x7f\ufffd]/g)?.length ?? 0;
  if (sample.length > 0 && controls / sample.length > 0.05) return 'file is mostly control characters or undecodable bytes; not read as a locking doc';
  return undefined;
}
