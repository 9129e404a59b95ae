// Lock-order rules in locking-doc prose, sentence by sentence:
//   "X is taken outside Y and Z"                        -> order X>Y, X>Z
//   "critical sections for A and B must also take C"    -> order C>A, C>B
//   "synchronize_srcu(&d) is called inside critical sections for A, B"
//   "A, B cannot be taken inside a d read-side critical section" -> sync-inside d [A, B]
//   "X ... It _can_ be taken inside a d read-side critical section" -> allowed-in-read-side
// Names in a rule must look like code (`kvm->lock`, `kvm_lock`, `cpus_read_lock()`),
// which keeps ordinary prose from turning into rules.

import type { InputProblem, LockRule, SourceLoc } from '../model/types';
import { CUT_MARK, lockClass, nameAt, namesIn, runLoc, squash, type LockDoc, type NameMatch, type Run } from './lockingDocText';

/** Finds the one name a name cut in half can stand for. */
export type Completer = (partial: string) => { name: string; id: string } | undefined;

/** Completes from the names the document itself uses, when exactly one object fits. */
export function nameCompleter(doc: LockDoc): Completer {
  const known = new Map<string, string>(); // name -> class
  for (const line of doc.lines) {
    const text = line.text.trimEnd();
    for (const match of namesIn(text)) {
      // A name touching a cut edge may itself be cut: it completes nothing.
      if (line.cut !== 'none' && match.end >= text.length) continue;
      const id = lockClass(match.name);
      if (id !== undefined && !known.has(match.name)) known.set(match.name, id);
    }
  }
  return (partial) => {
    const fits = [...known].filter(([name]) => name.startsWith(partial));
    const classes = new Set(fits.map(([, id]) => id));
    const first = fits[0];
    return classes.size === 1 && first ? { name: first[0], id: first[1] } : undefined;
  };
}

interface Clause {
  start: number;
  end: number;
}

const ABBREVIATION = /(?<![\w.])(?:e\.g|i\.e|etc|vs|cf)$/i;

/** Sentences and `;`/`:` clauses of a run, as offsets; rules never cross them. */
function clausesOf(text: string): Clause[] {
  const clauses: Clause[] = [];
  let start = 0;
  const close = (end: number, next: number): void => {
    while (start < end && /\s/.test(text.charAt(start))) start++;
    if (end > start) clauses.push({ start, end });
    start = next;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (!'.;:'.includes(ch) || !(i + 1 === text.length || /\s/.test(text.charAt(i + 1)))) continue;
    if (ch === '.' && ABBREVIATION.test(text.slice(Math.max(0, i - 6), i))) continue;
    close(text.charAt(i - 1) === ':' ? i - 1 : i, i + 1);
  }
  close(text.length, text.length);
  return clauses;
}

/** Names joined by `,` and `and`, starting at `pos`. */
interface NameList {
  names: NameMatch[];
  start: number;
  end: number;
  /** The list ends in `and` or `,` with nothing after it. */
  dangling: boolean;
  /** The list runs into a cut mark: the diff view may have cut more names off. */
  cut: boolean;
}

const SEPARATOR = /\s*,\s*and\b\s*|\s*,\s*|\s+and\b\s*/y;

function listAt(text: string, pos: number, limit: number): NameList {
  const list: NameList = { names: [], start: pos, end: pos, dangling: false, cut: false };
  let p = pos;
  for (;;) {
    const name = nameAt(text, p);
    if (!name || name.end > limit) break;
    list.names.push(name);
    list.end = name.end;
    if (name.partial) { list.cut = true; return list; }
    SEPARATOR.lastIndex = name.end;
    const separator = SEPARATOR.exec(text);
    if (!separator) break;
    const after = name.end + separator[0].length;
    if (!nameAt(text, after)) {
      // `A and …`: the cut took the next name; `A and` at the end: the writer forgot it.
      const rest = text.slice(after, limit).trim();
      if (rest.startsWith(CUT_MARK)) list.cut = true;
      else list.dangling = rest === '';
      break;
    }
    p = after;
  }
  if (text.slice(list.end, limit).trim().startsWith(CUT_MARK)) list.cut = true;
  return list;
}

/** The longest name list that ends right before `end`, e.g. the subject before a verb. */
function listEndingAt(text: string, from: number, end: number): NameList | undefined {
  for (let s = from; s < end;) {
    if (s > from && !/[\s(]/.test(text.charAt(s - 1))) { s++; continue; }
    const list = listAt(text, s, end);
    if (list.names.length > 0 && !list.dangling && text.slice(list.end, end).trim() === '') return list;
    // A list starting inside this one ends where it ends: skip past it, which keeps this linear.
    s = Math.max(s + 1, list.end);
  }
  return undefined;
}

const ORDER = /\b(?:is|are)\s+(?:always\s+|usually\s+)?(?:taken|acquired)\s+outside(?:\s+of)?\s*/gi;
const MUST_TAKE = /\bcritical\s+sections?\s+(?:for|of)\s+/gi;
const MUST_TAKE_VERB = /\s*must\s+(?:also\s+)?(?:take|hold|acquire)\s+/y;
const SYNC = /(``)?\bsynchroni[sz]e_srcu(?:_expedited)?\(\s*([^()]*?)\s*\)\1\s+(?:is|are)\s+called\s+inside\s+(?:the\s+)?critical\s+sections?\s+(?:for|of)\s+/gi;
const READ_SIDE = /\b(_cannot_|\*cannot\*|cannot|can\s+not|must\s+not|_can_|\*can\*|can)\s+(?:(?:therefore|also|still|safely|ever)\s+)*be\s+(?:taken|acquired)\s+inside\s+(?:an?\s+|the\s+)?/gi;
const READ_SIDE_TAIL = /\s+read-side\s+critical\s+sections?/y;
const PRONOUN = /(?:^|\s)(it|this\s+lock|they|these\s+locks)\s*$/i;
/** Words that say a clause held a rule, for reporting rules a diff view cut off. */
const RULE_WORDS = /\b(?:is|are)\s+(?:taken|acquired)\b|synchroni[sz]e_srcu|critical\s+sections?\s+(?:for|of)\b|read-side/i;

/** What reading a document's runs shares: its names, its problems, its rows with rules cut off. */
export interface RuleContext {
  doc: LockDoc;
  complete: Completer;
  problems: InputProblem[];
  /** Input rows where the diff view cut a rule so it could not be read. */
  cutRows: Set<number>;
}

/** Reads the rules in one paragraph, list item or `:Comment:`. */
export function rulesInRun(context: RuleContext, run: Run): LockRule[] {
  return new RunReader(context, run).read();
}

class RunReader {
  private readonly rules: LockRule[] = [];
  private readonly text: string;
  private readonly doc: LockDoc;
  private readonly complete: Completer;
  private readonly problems: InputProblem[];

  constructor(private readonly context: RuleContext, private readonly run: Run) {
    this.doc = context.doc;
    this.complete = context.complete;
    this.problems = context.problems;
    this.text = run.text;
  }

  read(): LockRule[] {
    const clauses = clausesOf(this.text);
    clauses.forEach((clause, i) => {
      const found = this.rules.length;
      const problemsBefore = this.problems.length;
      this.orderRules(clause);
      this.mustTakeRules(clause);
      this.syncRules(clause);
      this.readSideRules(clause, clauses[i - 1]);
      const body = this.text.slice(clause.start, clause.end);
      const silent = this.rules.length === found && this.problems.length === problemsBefore;
      if (silent && body.includes(CUT_MARK) && RULE_WORDS.test(body)) {
        this.reportCut(clause.start, clause.end, 'the diff view cuts off a lock rule here; skipped');
      }
    });
    return this.rules;
  }

  /** "X is taken outside Y and Z". */
  private orderRules(clause: Clause): void {
    for (const verb of this.matches(ORDER, clause)) {
      const verbEnd = verb.index + verb[0].length;
      const outer = listEndingAt(this.text, clause.start, verb.index);
      if (!outer) {
        this.report(verb.index, verb.index + verb[0].trimEnd().length, 'warning', `no lock name before "${squash(verb[0])}"; not read as a rule`);
        continue;
      }
      const inner = this.objectList(verbEnd, clause, verb[0]);
      if (!inner) continue;
      this.addOrders(outer, inner, outer.start, inner.end);
    }
  }

  /** "critical sections for A and B must also take C": C is taken outside A and B. */
  private mustTakeRules(clause: Clause): void {
    for (const head of this.matches(MUST_TAKE, clause)) {
      const sections = listAt(this.text, head.index + head[0].length, clause.end);
      if (sections.names.length === 0) continue;
      MUST_TAKE_VERB.lastIndex = sections.end;
      const verb = MUST_TAKE_VERB.exec(this.text);
      if (!verb || verb.index + verb[0].length > clause.end) continue;
      const outer = this.objectList(verb.index + verb[0].length, clause, verb[0]);
      if (!outer) continue;
      this.addOrders(outer, sections, head.index, outer.end);
    }
  }

  /** "synchronize_srcu(&kvm->srcu) is called inside critical sections for A, B and C". */
  private syncRules(clause: Clause): void {
    for (const head of this.matches(SYNC, clause)) {
      const headEnd = head.index + head[0].length;
      const domain = lockClass(head[2] ?? '');
      if (domain === undefined) {
        this.report(head.index, headEnd, 'warning', `\`synchronize_srcu(${head[2] ?? ''})\` names no SRCU domain; not read as a rule`);
        continue;
      }
      const locks = this.objectList(headEnd, clause, 'critical sections for');
      if (!locks) continue;
      this.addSyncInside(domain, locks, head.index, locks.end);
    }
  }

  /** "X _can_ be taken inside a D read-side critical section", and its "cannot" form. */
  private readSideRules(clause: Clause, previous: Clause | undefined): void {
    for (const verb of this.matches(READ_SIDE, clause)) {
      const domainAt = verb.index + verb[0].length;
      const domainName = nameAt(this.text, domainAt);
      if (!domainName || domainName.partial) continue;
      READ_SIDE_TAIL.lastIndex = domainName.end;
      const tail = READ_SIDE_TAIL.exec(this.text);
      if (!tail || tail.index + tail[0].length > clause.end) continue;
      const end = tail.index + tail[0].length;
      const domain = this.resolve(domainName, 'read-side domain');
      if (!domain) continue;
      const allowed = !/not/i.test(verb[1] ?? '');
      let subject = listEndingAt(this.text, clause.start, verb.index);
      if (!subject) {
        const pronoun = PRONOUN.exec(this.text.slice(clause.start, verb.index));
        if (!pronoun) continue;
        // "These locks cannot..." restates the synchronize_srcu sentence before it.
        if (!allowed) continue;
        // "It _can_ ...": the lock the previous sentence is about, named at its start.
        const antecedent = previous && listAt(this.text, previous.start, previous.end);
        if (!antecedent || antecedent.names.length === 0) {
          this.report(verb.index, end, 'warning', `cannot tell which lock "${pronoun[1] ?? ''}" is; not read as a rule`);
          continue;
        }
        subject = antecedent;
      }
      if (allowed) {
        for (const name of subject.names) {
          const lock = this.resolve(name, 'lock');
          if (lock) this.rules.push({ kind: 'allowed-in-read-side', domain: domain.id, lock: lock.id, ...this.span(subject.start, end) });
        }
      } else {
        this.addSyncInside(domain.id, subject, subject.start, end);
      }
    }
  }

  /** The names after a verb; reports a verb with none, or a list ending in a bare `and`. */
  private objectList(pos: number, clause: Clause, verb: string): NameList | undefined {
    const list = listAt(this.text, pos, clause.end);
    if (list.names.length === 0) {
      if (list.cut || this.text.slice(pos, clause.end).trim().startsWith(CUT_MARK)) {
        this.reportCut(clause.start, clause.end, 'the diff view cuts off a lock rule here; skipped');
      } else {
        this.report(clause.start, clause.end, 'warning', `unterminated rule: no lock name after "${squash(verb)}"`);
      }
      return undefined;
    }
    if (list.dangling) {
      this.report(clause.start, clause.end, 'warning', 'unterminated rule: the lock list ends in a dangling "and" or ","');
    } else if (list.cut && !list.names[list.names.length - 1]?.partial) {
      this.report(list.end, list.end, 'info', 'the diff view cuts this line here; the list may have named more locks');
    }
    return list;
  }

  private addOrders(outer: NameList, inner: NameList, start: number, end: number): void {
    const span = this.span(start, end);
    const outerIds = outer.names.map((n) => this.resolve(n, 'lock'));
    const innerIds = inner.names.map((n) => this.resolve(n, 'lock'));
    for (const o of outerIds) {
      for (const i of innerIds) if (o && i) this.rules.push({ kind: 'order', outer: o.id, inner: i.id, ...span });
    }
  }

  private addSyncInside(domain: string, locks: NameList, start: number, end: number): void {
    const ids = locks.names.map((n) => this.resolve(n, 'lock')).filter((r) => r !== undefined).map((r) => r.id);
    if (ids.length > 0) this.rules.push({ kind: 'sync-inside', domain, locks: ids, ...this.span(start, end) });
  }

  /** A name's class; a cut name is completed from the document or reported. */
  private resolve(name: NameMatch, role: string): { id: string } | undefined {
    if (name.partial) {
      const completed = this.complete(name.name);
      if (!completed) {
        this.reportCut(name.start, name.end,
          `the diff view cuts the ${role} name "${name.name}" and no single name in ${this.doc.label ?? 'the document'} starts with it; rule skipped`);
        return undefined;
      }
      this.report(name.start, name.end, 'info',
        `the diff view cuts "${name.name}"; read as \`${completed.name}\`, the only name in ${this.doc.label ?? 'the document'} that starts with it`);
      return completed;
    }
    const id = lockClass(name.name);
    if (id === undefined) this.report(name.start, name.end, 'warning', `\`${name.name}\` names no lock RaceLens can identify; rule skipped`);
    return id === undefined ? undefined : { id };
  }

  /** The rule's text as written, cut names shown completed, and its location. */
  private span(start: number, end: number): { text: string; loc: SourceLoc } {
    let text = '';
    let p = start;
    for (const name of namesIn(this.text.slice(start, end))) {
      if (!name.partial) continue;
      const completed = this.complete(name.name);
      if (!completed) continue;
      text += this.text.slice(p, start + name.start) + `${completed.name} (completed from the cut "${name.name}")`;
      p = start + name.end;
    }
    text += this.text.slice(p, end);
    return { text: squash(text), loc: runLoc(this.doc, this.run, start, end) };
  }

  /** Matches of a global pattern inside the clause, indexed in the whole run. */
  private *matches(pattern: RegExp, clause: Clause): Generator<RegExpExecArray> {
    // Searching only the clause keeps long paragraphs from being rescanned once per clause.
    const body = this.text.slice(clause.start, clause.end);
    pattern.lastIndex = 0;
    for (let m = pattern.exec(body); m; m = pattern.exec(body)) {
      const next = pattern.lastIndex;
      m.index += clause.start;
      yield m;
      pattern.lastIndex = next;
    }
  }

  private report(start: number, end: number, severity: InputProblem['severity'], message: string): SourceLoc {
    const loc = runLoc(this.doc, this.run, start, Math.max(start + 1, end));
    this.problems.push({ loc, severity, message });
    return loc;
  }

  /** A rule lost to the diff view's column width: a warning, and a row the merge must not call rule-free. */
  private reportCut(start: number, end: number, message: string): void {
    const loc = this.report(start, end, 'warning', message);
    for (let row = loc.line; row <= loc.endLine; row++) this.context.cutRows.add(row);
  }
}
