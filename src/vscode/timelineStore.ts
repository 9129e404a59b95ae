// Every timeline the editor can show: the witnesses of the current findings
// (from the latest check), and those of the user's simulations and timeline
// verifications (kept until the next run of the same kind). Show Timeline
// and Copy Timeline find theirs here.

import type { TimelineSource } from '../report/timelineSource';
import type { WorkspaceAnalysis } from './workspaceAnalysis';

export class TimelineStore {
  private simulated: TimelineSource[] = [];
  private verified = new Map<string, TimelineSource>();
  /** The timeline shown or copied last: the default for commands run without one. */
  private lastId: string | undefined;

  constructor(private readonly analysis: WorkspaceAnalysis) {}

  get(id: string): TimelineSource | undefined {
    return this.analysis.snapshot?.timelines.get(id) ?? this.simulated.find((t) => t.id === id) ?? this.verified.get(id);
  }

  /** The last simulation's timelines replace the previous run's. */
  setSimulated(timelines: TimelineSource[]): void {
    this.simulated = timelines;
  }

  addVerified(timeline: TimelineSource): void {
    this.verified.set(timeline.id, timeline);
  }

  remember(id: string): void {
    this.lastId = id;
  }

  get last(): TimelineSource | undefined {
    return this.lastId !== undefined ? this.get(this.lastId) : undefined;
  }

  /** Everything that can be shown: the last simulation first, then findings, then verified timelines. */
  all(): TimelineSource[] {
    return [...this.simulated, ...(this.analysis.snapshot?.timelines.values() ?? []), ...this.verified.values()];
  }
}
