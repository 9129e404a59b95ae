// The host's handle on the analysis engine. Normally the engine runs on a
// worker thread (dist/analysisWorker.js), so parsing, checking and
// simulating never hold up the extension host; if the worker cannot start,
// the engine runs in-process and says so. Calls are answered in the order
// they are made. Cancellation of a long run goes through shared memory.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Progress } from '../../sim';
import { CParser } from '../../parse/treeSitter';
import { AnalysisEngine } from './engine';
import { dispatch } from './dispatch';
import type { ArgsOf, Call, Method, Reply, Request, ResultOf, WorkerData } from './protocol';

/** The shape of vscode.CancellationToken, without importing the editor here. */
export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => unknown): { dispose(): unknown };
}

export interface CallOptions {
  token?: CancelToken;
  onProgress?: (progress: Progress) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: Progress) => void;
}

export class EngineError extends Error {}

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;
  private inProcess: Promise<AnalysisEngine> | undefined;

  private constructor(private readonly worker: Worker | undefined, private readonly distDir: string, readonly mode: 'worker' | 'in-process', readonly why?: string) {
    worker?.on('message', (reply: Reply) => this.answer(reply));
    worker?.on('error', (error) => this.fail(error));
    worker?.on('exit', (code) => this.fail(new EngineError(`the analysis worker stopped (exit code ${code})`)));
  }

  /** Starts the worker from `distDir`; falls back to running in-process when it cannot. */
  static start(distDir: string): EngineClient {
    const script = join(distDir, 'analysisWorker.js');
    if (!existsSync(script)) return new EngineClient(undefined, distDir, 'in-process', `${script} is missing`);
    try {
      const data: WorkerData = { wasmDir: distDir };
      return new EngineClient(new Worker(script, { workerData: data }), distDir, 'worker');
    } catch (error) {
      return new EngineClient(undefined, distDir, 'in-process', (error as Error).message);
    }
  }

  /** Set once the worker died: every later call fails with it until the client is replaced. */
  get error(): Error | undefined {
    return this.failure;
  }

  call<M extends Method>(method: M, args: ArgsOf<M>, options: CallOptions = {}): Promise<ResultOf<M>> {
    if (this.failure) return Promise.reject(this.failure);
    const call = { method, args } as Call;
    if (!this.worker) return this.callInProcess(call, options) as Promise<ResultOf<M>>;
    const id = this.nextId++;
    const cancel = options.token ? new SharedArrayBuffer(4) : undefined;
    const subscription = options.token?.onCancellationRequested(() => Atomics.store(new Int32Array(cancel!), 0, 1));
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const done = <T>(settle: (value: T) => void) => (value: T): void => {
        subscription?.dispose();
        settle(value);
      };
      this.pending.set(id, { resolve: done(resolve as (value: unknown) => void), reject: done(reject), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
      const request = { ...call, id, ...(cancel ? { cancel } : {}) } as Request;
      this.worker!.postMessage(request);
    });
  }

  dispose(): void {
    this.fail(new EngineError('RaceLens is shutting down'));
    void this.worker?.terminate();
  }

  private answer(reply: Reply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (reply.kind === 'progress') {
      pending.onProgress?.(reply.progress);
      return;
    }
    this.pending.delete(reply.id);
    if (reply.kind === 'result') pending.resolve(reply.value);
    else pending.reject(new EngineError(reply.message));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
  }

  /** The fallback: the same engine on this thread, one call at a time, after the current event. */
  private async callInProcess(call: Call, options: CallOptions): Promise<unknown> {
    this.inProcess ??= CParser.load(this.distDir).then((parser) => new AnalysisEngine(parser));
    const engine = await this.inProcess;
    await new Promise((resolve) => setImmediate(resolve));
    const token = options.token;
    return dispatch(engine, call, {
      ...(token ? { signal: { get aborted() { return token.isCancellationRequested; } } } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }
}
