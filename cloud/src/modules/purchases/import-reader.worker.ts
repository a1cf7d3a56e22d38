/**
 * Worker thread of a receipt import (see import-reader.ts): reads the file and posts batches,
 * never more than AHEAD ahead of the writer (it posts 'more' for each batch it takes).
 * Midway scans this folder on start: nothing runs unless this is that worker.
 */
import { isMainThread, parentPort, workerData } from 'worker_threads';
import { AHEAD, readReceiptBatches, type ReaderInput } from './import-reader';

async function main(port: NonNullable<typeof parentPort>, input: ReaderInput): Promise<void> {
  let credits = AHEAD;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits++;
    wake?.();
  });
  for await (const batch of readReceiptBatches(input)) {
    while (credits <= 0) await new Promise<void>((r) => (wake = r));
    wake = null;
    credits--;
    port.postMessage({ batch });
  }
  port.postMessage({ done: true }); // the import ends the thread
}

const input = (workerData as { purchasesImportReader?: ReaderInput } | null)?.purchasesImportReader;
if (!isMainThread && parentPort && input) {
  main(parentPort, input).catch((err: Error) => {
    parentPort!.postMessage({ error: err.message });
    process.exit(1);
  });
}
