import type { IndexCryptoFiles } from './index-crypto';
import type { SignalDocument } from './index-xml';

/** What a worker is started with: the same key and trust files the index loads. */
export interface XmlWorkerData {
  files: IndexCryptoFiles;
  crlRefreshMs: number;
}

export type XmlWorkerRequest = { id: number; op: 'open'; xmls: string[]; at: string } | { id: number; op: 'sign'; documents: SignalDocument[] };

/** A refusal crosses the thread boundary as data and becomes an XmlMessageError again. */
export interface XmlWorkerFailure {
  xml?: { code: string; detailCode: string; certCode?: string; message: string };
  message: string;
}

/** One melding's outcome in an open answer: a refusal of one does not fail the others. */
export type XmlWorkerOpened = { ok: true; value: unknown } | { ok: false; error: XmlWorkerFailure };

export type XmlWorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: XmlWorkerFailure };
