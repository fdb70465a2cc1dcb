import { parentPort, workerData } from 'node:worker_threads';
import { XmlMessageError } from '@vir/xml';
import { IndexCrypto } from './index-crypto';
import { InThreadXml } from './index-xml';
import type { XmlWorkerData, XmlWorkerRequest, XmlWorkerResponse } from './xml-worker.protocol';

// A worker thread of XmlWorkerPool: loads the index's keys and trust store itself (CRL re-read
// on the same schedule) and answers open/sign requests one at a time.

const data = workerData as XmlWorkerData;
const xml = new InThreadXml(new IndexCrypto(data.files, { intervalMs: data.crlRefreshMs, warn: (line) => console.warn(`[xml worker] ${line}`) }));
const port = parentPort!;

port.on('message', (request: XmlWorkerRequest) => {
  const answer = (response: XmlWorkerResponse) => port.postMessage(response);
  const work = request.op === 'open' ? xml.openMelding(request.xml, new Date(request.at)) : xml.signMatchsignalen(request.berichten);
  work.then(
    (value) => answer({ id: request.id, ok: true, value }),
    (err: unknown) => {
      const e = err as Error;
      answer({
        id: request.id,
        ok: false,
        error: {
          message: e?.message ?? String(err),
          ...(err instanceof XmlMessageError ? { xml: { code: err.code, detailCode: err.detailCode, certCode: err.certCode, message: err.message } } : {}),
        },
      });
    },
  );
});
