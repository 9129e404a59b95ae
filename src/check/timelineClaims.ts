// RL009: a CPU timeline typed in notes or a mail that cannot happen. The
// simulator replays the rows in the order written; the first row no
// execution can reach in that order is reported, with the reason in the
// reviewer's words ("CPU 0 cannot pass wait_for_completion here: ...").
// The replay follows the timeline's own order exactly, so an impossible row
// is proved impossible for that order, not merely unwitnessed.

import type { CheckInput } from './input';
import { sortFindings, type Finding } from './finding';
import { replayTimeline } from '../sim';

export function check(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  for (const file of input.files) {
    for (const timeline of file.timelines) {
      const replay = replayTimeline(input.graph, timeline);
      if (replay.feasible || !replay.row) continue;
      const columns = replay.columns.map((c) => `${c.cpuLabel} runs ${c.entry}()`).join(', ');
      findings.push({
        code: 'RL009',
        severity: 'warning',
        message: `this timeline cannot happen: ${replay.reason ?? 'no execution reaches this row in the order written'}`,
        loc: replay.row.loc,
        related: [
          { loc: timeline.loc, message: `timeline starts here (${columns})` },
          ...replay.notes.slice(0, 5).map((note) => ({ loc: timeline.loc, message: note })),
        ],
        evidence: { kind: 'proved', bounds: `the rows' own order, ${timeline.events.length} rows on ${timeline.cpus.length} CPUs`, executions: 1 },
      });
    }
  }
  return sortFindings(findings);
}
