import { parentPort, workerData } from 'node:worker_threads';
import { XmlMessageError } from '@vir/xml';
import { IndexCrypto } from './index-crypto';
import { InThreadXml } from './index-xml';
import type { XmlWorkerData, XmlWorkerFailure, XmlWorkerOpened, XmlWorkerRequest, XmlWorkerResponse } from './xml-worker.protocol';

// A worker thread of XmlWorkerPool: loads the index's keys and trust store itself (CRL re-read
// on the same schedule) and answers open (a chunk's meldingen) and sign requests one at a time.

const data = workerData as XmlWorkerData;
const xml = new InThreadXml(new IndexCrypto(data.files, { intervalMs: data.crlRefreshMs, warn: (line) => console.warn(`[xml worker] ${line}`) }));
const port = parentPort!;

/** An error as data (an XmlMessageError keeps its codes). */
function failure(err: unknown): XmlWorkerFailure {
  const e = err as Error;
  return {
    message: e?.message ?? String(err),
    ...(err instanceof XmlMessageError ? { xml: { code: err.code, detailCode: err.detailCode, certCode: err.certCode, message: err.message } } : {}),
  };
}

function work(request: XmlWorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'open':
      return xml.openMeldingen(request.xmls, new Date(request.at)).then((all) => all.map((r): XmlWorkerOpened => (r.ok ? r : { ok: false, error: failure(r.error) })));
    case 'sign':
      return xml.signMatchsignalen(request.documents);
  }
}

port.on('message', (request: XmlWorkerRequest) => {
  const answer = (response: XmlWorkerResponse) => port.postMessage(response);
  work(request).then(
    (value) => answer({ id: request.id, ok: true, value }),
    (err: unknown) => answer({ id: request.id, ok: false, error: failure(err) }),
  );
});
