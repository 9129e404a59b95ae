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

export interface PoolInput { path: string; file: string }

/**
 * One read, sent to every worker once: the files, and a counter shared by all
 * threads. Each thread takes the next file by incrementing the counter, so a
 * worker never waits for this thread to hand it work (this thread may be busy
 * reading, or collecting garbage).
 */
export interface ReadRequest { inputs: readonly PoolInput[]; next: SharedArrayBuffer }
/** A file's model as wire text (see modelWire.ts), or the end of a worker's share. */
export type ReadReply = { id: number; model: string } | { done: true };

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
    const next = new SharedArrayBuffer(4);
    const counter = new Int32Array(next);
    let done = 0;
    const onWorker = (worker: Worker): Promise<void> => new Promise<void>((resolve, reject) => {
      const finish = (error?: unknown): void => {
        worker.off('message', onMessage);
        worker.off('error', finish);
        worker.off('exit', exited);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve();
      };
      const exited = (code: number): void => finish(new Error(`a read worker stopped (exit code ${code}) before its share was read`));
      const onMessage = (reply: ReadReply): void => {
        if ('done' in reply) return finish();
        results[reply.id] = decodeModel(reply.model);
        onProgress?.(++done, inputs.length);
      };
      worker.on('message', onMessage);
      worker.on('error', finish);
      worker.on('exit', exited);
      const request: ReadRequest = { inputs, next };
      worker.postMessage(request);
    });
    const here = async (read: (input: PoolInput) => FileModel): Promise<void> => {
      for (let id = Atomics.add(counter, 0, 1); id < inputs.length; id = Atomics.add(counter, 0, 1)) {
        results[id] = read(inputs[id]!);
        onProgress?.(++done, inputs.length);
        // Let the workers' replies in between files.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    try {
      const workers = this.workers.map(onWorker);
      await Promise.all(readHere ? [...workers, here(readHere)] : workers);
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
