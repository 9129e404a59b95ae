// "Show Lock Order Graph": lockdep's dependency graph as a Markdown page.
// Cycles come first (the deadlocks RL002 and RL004 report), each dependency
// on a cycle is marked wherever it appears, and every held/taken site is a
// link. Locations become links through `link`, so the same page works in the
// editor (file URIs) and in a test (plain text).

import type { SourceLoc } from '../model/types';
import { cycleRelated, cycleText } from '../check/cycleReport';
import type { Dependency, LockGraph } from '../check/lockGraph';
import { strongCycles, type LockCycle } from '../check/strongCycles';

export type LinkFn = (loc: SourceLoc, text: string) => string;

const MODE: Record<string, string> = {
  exclusive: 'held', shared: 'read-held', 'recursive-read': 'read-held (recursive)',
};
const ACQUIRED: Record<string, string> = {
  exclusive: 'taken', shared: 'taken for read', 'recursive-read': 'taken as recursive reader', sync: 'synchronized on',
};

const edgeKey = (dep: Dependency): string => `${dep.from.name}\u0000${dep.to.name}`;

/** Every deadlock cycle: lock-only cycles (RL002), then cycles through an SRCU/RCU domain (RL004). */
export function lockCycles(graph: LockGraph): { kind: 'RL002' | 'RL004'; cycle: LockCycle }[] {
  return [
    ...strongCycles(graph.dependencies, 'locks-only').map((cycle) => ({ kind: 'RL002' as const, cycle })),
    ...strongCycles(graph.dependencies, 'through-domain').map((cycle) => ({ kind: 'RL004' as const, cycle })),
  ];
}

export function renderLockGraphMarkdown(graph: LockGraph, link: LinkFn): string {
  const cycles = lockCycles(graph);
  const onCycle = new Set(cycles.flatMap(({ cycle }) => cycle.steps.map(edgeKey)));
  const classes = new Set(graph.dependencies.flatMap((d) => [d.from.name, d.to.name]));
  const out: string[] = ['# Lock order graph', ''];
  out.push(`${classes.size} lock class${classes.size === 1 ? '' : 'es'}, ${graph.dependencies.length} dependenc${graph.dependencies.length === 1 ? 'y' : 'ies'}, ` +
    `${cycles.length} cycle${cycles.length === 1 ? '' : 's'}. An arrow A → B means B was taken while A was held; ⚠ marks a dependency on a cycle.`, '');

  out.push('## Cycles', '');
  if (cycles.length === 0) out.push('No cycle: every lock class is always taken in the same order.', '');
  cycles.forEach(({ kind, cycle }, i) => {
    const what = kind === 'RL002' ? 'lock-order cycle' : 'grace-period deadlock (through an SRCU/RCU domain)';
    out.push(`${i + 1}. ⚠ **${cycleText(cycle)}** — ${what} [${kind}]`);
    for (const r of cycleRelated(cycle)) out.push(`   - ${link(r.loc, where(r.loc))}: ${r.message}`);
    out.push('');
  });

  out.push('## Dependencies', '');
  if (graph.dependencies.length === 0) out.push('No lock is taken while another is held.', '');
  const byFrom = new Map<string, Dependency[]>();
  for (const dep of graph.dependencies) byFrom.set(dep.from.name, [...(byFrom.get(dep.from.name) ?? []), dep]);
  for (const from of [...byFrom.keys()].sort()) {
    out.push(`### ${from}`, '');
    for (const dep of byFrom.get(from)!) {
      const mark = onCycle.has(edgeKey(dep)) ? '⚠ ' : '';
      const held = `${MODE[dep.heldAs] ?? dep.heldAs} at ${link(dep.held.loc, where(dep.held.loc))}`;
      const taken = `${ACQUIRED[dep.acquiredAs] ?? dep.acquiredAs} at ${link(dep.acquired.loc, where(dep.acquired.loc))}`;
      const chain = dep.acquired.chain.length > 1 ? ` in ${dep.acquired.chain.map((n) => `${n}()`).join(' → ')}` : '';
      out.push(`- ${mark}${onCycle.has(edgeKey(dep)) ? `**${from} → ${dep.to.name}**` : `${from} → ${dep.to.name}`}: ${held}; ${dep.to.name} ${taken}${chain}`);
    }
    out.push('');
  }
  return out.join('\n');
}

function where(loc: SourceLoc): string {
  const name = loc.file.split(/[\\/]/).pop() ?? loc.file;
  return `${name}:${loc.line + 1}`;
}
