// `racelens graph`: the call graph and each entry point's inlined sync operations.

import { CallGraph } from '../model/callGraph';
import { unknownLockLikeCalls } from '../model/unknownPrimitives';
import { entrySequences, renderGraphJson, renderGraphText } from '../report/graphReport';
import { UsageError } from './inputs';
import type { Args, Loaded } from './main';

export function runGraph(args: Args, { models, entries: wanted }: Loaded): number {
  const graph = new CallGraph(models);
  const entries = wanted.length > 0
    ? wanted.map((name) => {
      const fn = graph.definition(name);
      if (!fn) throw new UsageError(`entry point ${name} is not defined in the inputs`);
      return fn;
    })
    : graph.roots();
  const sequences = entrySequences(graph, entries);
  const problems = [...models.flatMap((m) => m.problems), ...unknownLockLikeCalls(models, graph)];
  process.stdout.write(args.flags.has('--json') ? renderGraphJson(graph, sequences, problems) : renderGraphText(graph, sequences, problems));
  return 0;
}
