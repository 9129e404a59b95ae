// A worker thread that reads files into models, so whole-tree runs use every
// core. Its messages carry plain data only (structured clone).

import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { CParser } from '../parse/treeSitter';
import { readSource, type ReadOptions } from '../parse/workspace';
import { emptyFileModel } from '../model/types';
import type { ReadRequest, ReadReply, ReadWorkerData } from './readPool';
import { encodeModel } from './modelWire';

const data = workerData as ReadWorkerData;
const options: ReadOptions = { table: data.table, aliases: data.aliases };
const ready = CParser.load(data.wasmDir);

parentPort?.on('message', (request: ReadRequest) => {
  void ready.then((parser) => {
    let model;
    try {
      model = readSource(parser, request.file, readFileSync(request.path, 'utf8'), options);
    } catch (error) {
      model = emptyFileModel(request.file);
      model.problems.push({ loc: { file: request.file, line: 0, col: 0, endLine: 0, endCol: 0 }, severity: 'error', message: `cannot read: ${(error as Error).message}` });
    }
    // JSON text crosses threads faster than a structured clone of the object graph; see modelWire.ts.
    const reply: ReadReply = { id: request.id, model: encodeModel(model) };
    parentPort?.postMessage(reply);
  });
});
