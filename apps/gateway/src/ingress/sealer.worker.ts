import { parentPort, workerData } from 'node:worker_threads';
import { KeyAgreementSession, sealMelding } from '@vir/xml';
import type { SealRequest, SealResponse, SealerWorkerData } from './melding-sealer';

// A worker thread of SealerPool: seals meldingen one at a time, with a key-agreement session of its own.

const data = workerData as SealerWorkerData;
const session = new KeyAgreementSession();
const port = parentPort!;

port.on('message', (r: SealRequest) => {
  let response: SealResponse;
  try {
    response = { id: r.id, ok: true, value: sealMelding(r.melding, { signer: r.signer, recipientCertificatePem: data.recipientCertificatePem, keyAgreement: session, bsnEncryption: data.bsnEncryption }) };
  } catch (err) {
    response = { id: r.id, ok: false, error: { message: (err as Error)?.message ?? String(err) } };
  }
  port.postMessage(response);
});
