// Reads many files on worker threads, one per core, and returns the models in
// the order asked, whatever order the workers finish in.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { Aliases } from '../model/objects';
import type { PrimitiveTable } from '../model/primitives';
import type { FileModel } from '../model/types';

export interface ReadWorkerData { wasmDir: string; table: PrimitiveTable; aliases: Aliases }
export interface ReadRequest { id: number; path: string; file: string }
/** The model as JSON text: see readWorker.ts. */
export interface ReadReply { id: number; model: string }

export interface PoolInput { path: string; file: string }

export async function readWithWorkers(
  workerScript: string,
  data: ReadWorkerData,
  inputs: readonly PoolInput[],
  onProgress?: (done: number, total: number) => void,
): Promise<FileModel[]> {
  const size = Math.max(1, Math.min(availableParallelism(), inputs.length));
  const results: FileModel[] = new Array(inputs.length);
  const workers = Array.from({ length: size }, () => new Worker(workerScript, { workerData: data }));
  let next = 0;
  let done = 0;
  try {
    await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
      const feed = (): void => {
        if (next >= inputs.length) return resolve();
        const id = next++;
        const input = inputs[id]!;
        const request: ReadRequest = { id, path: input.path, file: input.file };
        worker.postMessage(request);
      };
      worker.on('message', (reply: ReadReply) => {
        results[reply.id] = JSON.parse(reply.model) as FileModel;
        onProgress?.(++done, inputs.length);
        feed();
      });
      worker.on('error', reject);
      feed();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
