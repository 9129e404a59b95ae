// The analysis worker thread (bundled as dist/analysisWorker.js): loads the
// parser from dist/, keeps the engine's models, and answers the host's
// requests one at a time, in the order they came. A long run (a simulation)
// reads its cancel flag from shared memory, since no message can reach it
// while it runs. Never imports `vscode`.

import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { CParser } from '../../parse/treeSitter';
import { AnalysisEngine } from './engine';
import { dispatch } from './dispatch';
import type { Reply, Request, WorkerData } from './protocol';

/** The analysis thread's nice value on Linux (0 is normal, 19 the lowest priority). */
const WORKER_NICE = 10;

// Background work yields the CPU to the editor's own processes and threads (the window, the
// extension host, the server relaying between them). Only on Linux: there a nice value belongs
// to the calling thread; elsewhere it would lower the whole extension host.
if (process.platform === 'linux') {
  try {
    setPriority(WORKER_NICE);
  } catch {
    // Not allowed here (a container's limits): the worker runs at the host's priority.
  }
}

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
