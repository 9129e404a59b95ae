// Calls the engine method a request names. Shared by the worker and the
// in-process fallback, so both behave the same.

import type { AnalysisEngine } from './engine';
import type { Call, RunContext } from './protocol';

export function dispatch(engine: AnalysisEngine, call: Call, context: RunContext): unknown {
  switch (call.method) {
    case 'configure': return engine.configure(call.args);
    case 'read': return engine.read(call.args);
    case 'remove': return engine.remove(call.args);
    case 'check': return engine.check(call.args);
    case 'simulate': return engine.simulate(call.args, context);
    case 'choices': return engine.choices(call.args);
    case 'params': return engine.params(call.args);
    case 'verifyTimeline': return engine.verifyTimeline(call.args);
    case 'lockGraph': return engine.lockGraph();
    case 'model': return engine.model(call.args);
  }
}
