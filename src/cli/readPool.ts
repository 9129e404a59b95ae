// Reads many files on worker threads (and on the calling thread), and returns the models in
// the order asked, whatever order the workers finish in. A pool outlives one read, so a
// second read finds its workers warm: JIT-compiled, WASM tiered up, the grammar loaded.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { Aliases } from '../model/objects';
import type { PrimitiveTable } from '../model/primitives';
import type { FileModel } from '../model/types';
import { decodeModel } from './modelWire';

export interface ReadWorkerData { wasmDir: string; table: PrimitiveTable; aliases: Aliases }
export interface ReadRequest { id: number; path: string; file: string }
/** The model as wire text: see modelWire.ts. */
export interface ReadReply { id: number; model: string }

export interface PoolInput { path: string; file: string }

/** Requests queued at each worker: one to work on, one waiting, so it never idles between files. */
const IN_FLIGHT = 2;

export class ReadPool {
  private readonly workers: Worker[];
  private busy = false;

  /**
   * `size` workers (default: one per core but this one, which reads its
   * share in `read`). They start loading the grammar at once.
   */
  constructor(workerScript: string, data: ReadWorkerData, size = Math.max(1, availableParallelism() - 1)) {
    this.workers = Array.from({ length: size }, () => new Worker(workerScript, { workerData: data }));
  }

  /**
   * Reads `inputs` on the workers, and on this thread too when `readHere`
   * is given (it would otherwise only wait, and its models need no copying
   * across). One read at a time.
   */
  async read(
    inputs: readonly PoolInput[],
    onProgress?: (done: number, total: number) => void,
    readHere?: (input: PoolInput) => FileModel,
  ): Promise<FileModel[]> {
    if (this.busy) throw new Error('ReadPool.read: a read is already under way');
    this.busy = true;
    const results: FileModel[] = new Array(inputs.length);
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
    const onWorker = (worker: Worker): Promise<void> => new Promise<void>((resolve, reject) => {
      let pending = 0;
      const finish = (error?: unknown): void => {
        worker.off('message', onMessage);
        worker.off('error', finish);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve();
      };
      const feed = (): void => {
        while (pending < IN_FLIGHT && next < inputs.length) {
          const id = next++;
          const input = inputs[id]!;
          const request: ReadRequest = { id, path: input.path, file: input.file };
          worker.postMessage(request);
          pending++;
        }
        if (pending === 0) finish();
      };
      const onMessage = (reply: ReadReply): void => {
        pending--;
        // Ask for more before decoding this reply, so the worker never waits on us.
        feed();
        results[reply.id] = decodeModel(reply.model);
        onProgress?.(++done, inputs.length);
      };
      worker.on('message', onMessage);
      worker.on('error', finish);
      feed();
    });
    try {
      await Promise.all([here(), ...this.workers.map(onWorker)]);
    } finally {
      this.busy = false;
    }
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * One read on a pool of its own: what a command-line run does. The workers
 * are started first, so they load their grammar while `hereReader` (this
 * thread's reader, when given) loads this thread's.
 */
export async function readWithWorkers(
  workerScript: string,
  data: ReadWorkerData,
  inputs: readonly PoolInput[],
  onProgress?: (done: number, total: number) => void,
  hereReader?: () => Promise<(input: PoolInput) => FileModel>,
): Promise<FileModel[]> {
  const threads = Math.max(1, Math.min(availableParallelism(), inputs.length));
  const pool = new ReadPool(workerScript, data, hereReader ? threads - 1 : threads);
  try {
    const readHere = hereReader ? await hereReader() : undefined;
    return await pool.read(inputs, onProgress, readHere);
  } finally {
    await pool.close();
  }
}
