// Reads many files on worker threads (and on the calling thread), and returns the models in
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

/** Requests queued at each worker: one to work on, one waiting, so it never idles between files. */
const IN_FLIGHT = 2;

/**
 * Reads `inputs` on worker threads, and on this thread too when `readHere`
 * is given (one worker fewer: this thread would otherwise only wait, and its
 * models need no copying across).
 */
export async function readWithWorkers(
  workerScript: string,
  data: ReadWorkerData,
  inputs: readonly PoolInput[],
  onProgress?: (done: number, total: number) => void,
  readHere?: (input: PoolInput) => FileModel,
): Promise<FileModel[]> {
  const threads = Math.max(1, Math.min(availableParallelism(), inputs.length));
  const size = readHere ? threads - 1 : threads;
  const results: FileModel[] = new Array(inputs.length);
  const workers = Array.from({ length: size }, () => new Worker(workerScript, { workerData: data }));
  let next = 0;
  let done = 0;
  const here = async (): Promise<void> => {
    while (readHere && next < inputs.length) {
      const id = next++;
      results[id] = readHere(inputs[id]!);
      onProgress?.(++done, inputs.length);
      // Let the workers' replies in, and feed them, between files.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  try {
    await Promise.all([here(), ...workers.map((worker) => new Promise<void>((resolve, reject) => {
      let pending = 0;
      const feed = (): void => {
        while (pending < IN_FLIGHT && next < inputs.length) {
          const id = next++;
          const input = inputs[id]!;
          const request: ReadRequest = { id, path: input.path, file: input.file };
          worker.postMessage(request);
          pending++;
        }
        if (pending === 0) resolve();
      };
      worker.on('message', (reply: ReadReply) => {
        pending--;
        // Ask for more before decoding this reply, so the worker never waits on us.
        feed();
        results[reply.id] = JSON.parse(reply.model) as FileModel;
        onProgress?.(++done, inputs.length);
      });
      worker.on('error', reject);
      feed();
    }))]);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
