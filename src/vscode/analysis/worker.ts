// The analysis worker thread (bundled as dist/analysisWorker.js): loads the
// parser from dist/, keeps the engine's models, and answers the host's
// requests one at a time, in the order they came. A long run (a simulation)
// reads its cancel flag from shared memory, since no message can reach it
// while it runs. Never imports `vscode`.

import { parentPort, workerData } from 'node:worker_threads';
import { CParser } from '../../parse/treeSitter';
import { AnalysisEngine } from './engine';
import { dispatch } from './dispatch';
import type { Reply, Request, WorkerData } from './protocol';

const data = workerData as WorkerData;
const engine = CParser.load(data.wasmDir).then((parser) => new AnalysisEngine(parser));

function post(reply: Reply): void {
  parentPort?.postMessage(reply);
}

parentPort?.on('message', (request: Request) => {
  void engine.then(
    (e) => {
      const flag = request.cancel ? new Int32Array(request.cancel) : undefined;
      const signal = flag ? { get aborted() { return Atomics.load(flag, 0) === 1; } } : undefined;
      try {
        const value = dispatch(e, request, { ...(signal ? { signal } : {}), onProgress: (progress) => post({ id: request.id, kind: 'progress', progress }) });
        post({ id: request.id, kind: 'result', value });
      } catch (error) {
        post({ id: request.id, kind: 'error', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
      }
    },
    (error: unknown) => post({ id: request.id, kind: 'error', message: `the parser could not load: ${error instanceof Error ? error.message : String(error)}` }),
  );
});
