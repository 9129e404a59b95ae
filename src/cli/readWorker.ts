// A worker thread that reads files into models, so whole-tree runs use every
// core. For each read it is sent the files and a shared counter once, takes
// file after file from the counter until none is left, and sends each model
// back as it is read (plain data only).

import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { CParser } from '../parse/treeSitter';
import { readSource, type ReadOptions } from '../parse/workspace';
import { emptyFileModel, type FileModel } from '../model/types';
import type { PoolInput, ReadReply, ReadRequest, ReadWorkerData } from './readPool';
import { encodeModel } from './modelWire';

const data = workerData as ReadWorkerData;
const options: ReadOptions = { table: data.table, aliases: data.aliases };
const ready = CParser.load(data.wasmDir);

parentPort?.on('message', (request: ReadRequest) => {
  void ready.then((parser) => {
    const next = new Int32Array(request.next);
    for (let id = Atomics.add(next, 0, 1); id < request.inputs.length; id = Atomics.add(next, 0, 1)) {
      // JSON text crosses threads faster than a structured clone of the object graph; see modelWire.ts.
      const reply: ReadReply = { id, model: encodeModel(readOne(parser, request.inputs[id]!)) };
      parentPort?.postMessage(reply);
    }
    parentPort?.postMessage({ done: true } satisfies ReadReply);
  });
});

function readOne(parser: CParser, input: PoolInput): FileModel {
  try {
    return readSource(parser, input.file, readFileSync(input.path, 'utf8'), options);
  } catch (error) {
    const model = emptyFileModel(input.file);
    model.problems.push({ loc: { file: input.file, line: 0, col: 0, endLine: 0, endCol: 0 }, severity: 'error', message: `cannot read: ${(error as Error).message}` });
    return model;
  }
}
