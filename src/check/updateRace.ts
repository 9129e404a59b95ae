// RL001: a read side races with the start of an update. The idiom (seed 000):
// an updater publishes a guard (init/reinit_completion, a flag set, a counter
// bias) and then waits for a grace period of domain S; a reader checks that
// guard *before or outside* its S read-side section. The check finds the
// shape statically, then asks the simulator for an interleaving: a witness
// makes the finding "witnessed"; an exhaustive search that finds none drops
// it (the reader re-checks somewhere the pattern cannot see).

import type { CheckInput } from './input';
import { sortFindings, type Finding, type RelatedLocation } from './finding';
import { inlineEntry, walkSteps } from '../model/inline';
import { rootWalks, type RootWalk } from './contextWalk';
import { PairMemo, RootMemo } from './memo';
import type { GraphLookups } from './lookupRecord';
import { addTo } from '../model/multiMap';
import type { CallStmt, FunctionSummary, ObjectRef } from '../model/types';
import { buildScenario, renderWitness, simulate, type SimResult } from '../sim';

/** A guard check made while not inside a read-side section of the domain. */
interface ReaderShape {
  root: FunctionSummary;
  guard: ObjectRef;
  check: CallStmt;
  readLock: CallStmt;
}

interface UpdaterShape {
  root: FunctionSummary;
  guard: ObjectRef;
  publish: CallStmt;
  synchronize: CallStmt;
}

const GUARD_CHECKS = new Set(['wait', 'try_wait', 'done', 'inc_unless_negative']);
const GUARD_PUBLISH = new Set(['init', 'reinit', 'add', 'add_return']);
const SIM_BUDGET_MS = 2_000;

/** Each root's inlined sync ops, kept with its walk while its callees stay the same objects. */
const inlined = new RootMemo<CallStmt[]>();

function opCalls(walk: RootWalk, input: CheckInput): CallStmt[] {
  return inlined.get(input.graph, walk, '', (lookups) => {
    const calls: CallStmt[] = [];
    for (const step of walkSteps(inlineEntry(lookups, walk.root))) {
      if (step.kind === 'call' && step.call.op) calls.push(step.call);
    }
    return calls;
  });
}

/** Reader shapes: a guard checked while outside the domain's read side, then that read side entered. */
function readerShapes(root: FunctionSummary, calls: readonly CallStmt[]): Map<string, ReaderShape[]> {
  const byDomain = new Map<string, ReaderShape[]>();
  const open = new Set<string>();
  const pending: CallStmt[] = [];
  for (const call of calls) {
    const op = call.op!;
    const id = op.object?.id;
    if (!id) continue;
    if (op.action === 'read_lock') {
      for (const check of pending) {
        const list = byDomain.get(id) ?? [];
        if (!list.some((s) => s.check === check)) list.push({ root, guard: check.op!.object!, check, readLock: call });
        byDomain.set(id, list);
      }
      open.add(id);
    } else if (op.action === 'read_unlock') {
      open.delete(id);
    } else if (GUARD_CHECKS.has(op.action) && open.size === 0) {
      pending.push(call);
    }
  }
  return byDomain;
}

/** Updater shapes: a guard published, then a synchronize on the domain. */
function updaterShapes(root: FunctionSummary, calls: readonly CallStmt[]): UpdaterShape[] {
  const shapes: UpdaterShape[] = [];
  const published: CallStmt[] = [];
  for (const call of calls) {
    const op = call.op!;
    if (GUARD_PUBLISH.has(op.action) && op.object && (op.family === 'completion' || isBias(op.operand))) published.push(call);
    if (op.action === 'synchronize' && op.object) {
      for (const publish of published) {
        shapes.push({ root, guard: publish.op!.object!, publish, synchronize: call });
      }
    }
  }
  return shapes;
}

function isBias(operand: string | undefined): boolean {
  return operand !== undefined && /bias/i.test(operand);
}

/** A root's shapes, found once per inlined op list (which is replaced when the root's walk changes). */
const shapesOf = new WeakMap<readonly CallStmt[], RootShapes>();

interface RootShapes {
  root: FunctionSummary;
  readers: Map<string, ReaderShape[]>;
  updaters: UpdaterShape[];
}

function shapes(walk: RootWalk, input: CheckInput): RootShapes {
  const calls = opCalls(walk, input);
  let found = shapesOf.get(calls);
  if (!found) {
    found = { root: walk.root, readers: readerShapes(walk.root, calls), updaters: updaterShapes(walk.root, calls) };
    shapesOf.set(calls, found);
  }
  return found;
}

/** The simulator's verdict on a reader and an updater, kept while both shapes and their code are. */
const verdicts = new PairMemo<ReaderShape, UpdaterShape, Finding | undefined>();

function confirmed(input: CheckInput, reader: ReaderShape, updater: UpdaterShape, domain: string): Finding | undefined {
  return verdicts.get(input.graph, reader, updater, (lookups) => confirm(lookups, reader, updater, domain));
}

export function check(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const all = rootWalks(input).map((walk) => shapes(walk, input));
  // Updaters by what they synchronize and the guard they publish.
  const updaters = new Map<string, UpdaterShape[]>();
  for (const u of all.flatMap((s) => s.updaters)) addTo(updaters, `${u.synchronize.op?.object?.id}\u0000${u.guard.id}`, u);
  if (updaters.size === 0) return findings;
  for (const { root, readers: byDomain } of all) {
    for (const [domain, readers] of byDomain) {
      for (const reader of readers) {
        const updater = updaters.get(`${domain}\u0000${reader.guard.id}`)?.find((u) => u.root !== root);
        if (!updater) continue;
        const finding = confirmed(input, reader, updater, domain);
        if (finding) findings.push(finding);
      }
    }
  }
  return sortFindings(dedupe(findings));
}

/** One finding per reader check, whatever number of updater shapes led to it. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.loc.file}:${f.loc.line}:${f.loc.col}`;
    return !seen.has(key) && seen.add(key);
  });
}

function confirm(graph: GraphLookups, reader: ReaderShape, updater: UpdaterShape, domain: string): Finding | undefined {
  const scenario = buildScenario(graph, [{ name: reader.root.name }, { name: updater.root.name }]);
  const result = simulate(scenario, { budgetMs: SIM_BUDGET_MS });
  const violation = result.violations.find((v) => v.property === 'update-phase-exclusion');
  const exhaustive = !result.stats.boundHit && !result.stats.stopped;
  if (!violation && exhaustive) return undefined;
  const related: RelatedLocation[] = [
    { loc: updater.publish.loc, message: `${updater.root.name}() publishes the update guard here (${updater.publish.callee} on ${updater.guard.id})` },
    { loc: updater.synchronize.loc, message: `grace period starts here: ${updater.synchronize.callee} on ${domain} waits only for readers already inside` },
    { loc: reader.readLock.loc, message: `the reader enters the ${domain} read side only here, after its guard check` },
  ];
  const message = `${reader.root.name}() checks the update guard ${reader.guard.id} (${reader.guard.identifiedBy}) before its ${domain} read-side section: ` +
    `${updater.root.name}() can publish the guard and pass ${updater.synchronize.callee} in between, ${consequence(result)}`;
  const entries = [reader.root.name, updater.root.name];
  if (!violation) {
    return { code: 'RL001', severity: 'warning', message, loc: reader.check.loc, related, evidence: { kind: 'pattern' }, entries };
  }
  return {
    code: 'RL001',
    severity: 'error',
    message,
    loc: reader.check.loc,
    related,
    evidence: { kind: 'witnessed', schedule: violation.witness.schedule },
    trace: renderWitness(violation.witness).split('\n'),
    entries,
  };
}

/** What the witness leads to, in the reviewer's terms. */
function consequence(result: SimResult): string {
  const aborted = result.outcomes.some((o) => o.after.length > 0 && /-EBUSY/.test(o.key));
  return aborted
    ? 'so the reader runs inside the update window and the update aborts with -EBUSY'
    : 'so the reader\'s work overlaps the update';
}
