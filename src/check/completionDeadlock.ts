// RL005: waiting on a completion while holding L, when every path to its
// complete() needs L too: the completer blocks on L, the waiter never wakes.
// Found from the held locks at each wait and each complete, then run through
// the simulator with the two entry points: a deadlock there makes it
// "witnessed"; an exhaustive run without one drops the finding.

import type { CheckInput } from './input';
import { rootWalks, type Held, type OpEvent, type RootWalk } from './contextWalk';
import { sortFindings, type Finding } from './finding';
import type { CallStmt, FunctionSummary } from '../model/types';
import { buildScenario, renderWitness, simulate, type SimResult } from '../sim';
import { addTo } from '../model/multiMap';
import { oncePer } from '../model/oncePer';
import { PairMemo } from './memo';

interface Site {
  root: FunctionSummary;
  call: CallStmt;
  held: Held[];
}

const SIM_BUDGET_MS = 2_000;

const onCompletion = (event: OpEvent): boolean => event.op.family === 'completion' && event.op.object !== undefined;

/** One root's waits and completes, by completion: kept with its walk. */
const rootSites = oncePer((walk: RootWalk): { waits: [string, Site][]; completes: [string, Site][] } => {
  const sites = { waits: [] as [string, Site][], completes: [] as [string, Site][] };
  for (const event of walk.select(onCompletion)) {
    const { action, object } = event.op;
    const into = action === 'wait' ? sites.waits : action === 'complete' || action === 'complete_all' ? sites.completes : undefined;
    const held = event.before.held.filter((h) => h.mode === 'exclusive');
    into?.push([object!.id, { root: event.root, call: event.call, held }]);
  }
  return sites;
});

export function check(input: CheckInput): Finding[] {
  const waits = new Map<string, Site[]>();
  const completes = new Map<string, Site[]>();
  for (const walk of rootWalks(input)) {
    const sites = rootSites(walk);
    for (const [id, site] of sites.waits) addTo(waits, id, site);
    for (const [id, site] of sites.completes) addTo(completes, id, site);
  }
  const findings: Finding[] = [];
  for (const [id, waitSites] of waits) {
    const completers = completes.get(id) ?? [];
    if (completers.length === 0) continue;
    for (const wait of waitSites) {
      // A lock the waiter holds that every complete() of this completion also needs.
      const lock = wait.held.find((h) => completers.every((c) => c.root !== wait.root && c.held.some((o) => o.object.id === h.object.id)));
      if (!lock) continue;
      const finding = confirm(input, wait, completers, lock, id);
      if (finding) findings.push(finding);
    }
  }
  return sortFindings(findings);
}

/** The simulator's run of a waiter's root against a completer's, kept while both sites and their code are. */
const runs = new PairMemo<Site, Site, SimResult>();

function simulated(input: CheckInput, wait: Site, completer: Site): SimResult {
  return runs.get(input.graph, wait, completer, (lookups) =>
    simulate(buildScenario(lookups, [{ name: wait.root.name }, { name: completer.root.name }]), { budgetMs: SIM_BUDGET_MS }));
}

function confirm(input: CheckInput, wait: Site, completers: Site[], lock: Held, completion: string): Finding | undefined {
  const completer = completers[0]!;
  const result = simulated(input, wait, completer);
  const deadlock = result.deadlocks.find((d) => d.kind === 'deadlock');
  const exhaustive = !result.stats.boundHit && !result.stats.stopped;
  if (!deadlock && exhaustive) return undefined;
  const holding = completers.find((c) => c.held.some((h) => h.object.id === lock.object.id))!;
  const finding: Finding = {
    code: 'RL005',
    severity: deadlock ? 'error' : 'warning',
    message: `${wait.call.callee}() on ${completion} waits while holding ${lock.object.id} (${lock.object.identifiedBy}), ` +
      `but every complete() of ${completion} runs with ${lock.object.id} held: the completer blocks on the lock and the waiter never wakes`,
    loc: wait.call.loc,
    related: [
      { loc: lock.loc, message: `${lock.object.id} taken here by ${lock.primitive}()` },
      ...completers.map((c) => ({ loc: c.call.loc, message: `${c.root.name}() completes ${completion} here, holding ${lock.object.id}` })),
      ...holding.held.filter((h) => h.object.id === lock.object.id).map((h) => ({ loc: h.loc, message: `${holding.root.name}() takes ${lock.object.id} here first` })),
    ],
    evidence: deadlock ? { kind: 'witnessed', schedule: deadlock.witness.schedule } : { kind: 'pattern' },
    entries: [wait.root.name, completer.root.name],
  };
  if (deadlock) finding.trace = renderWitness(deadlock.witness).split('\n');
  return finding;
}
