import type { MatchsignaalBericht, MatchsignalenBericht, MeldingBericht } from '@vir/contracts';
import { openMelding, signMatchsignaal, signMatchsignalen, type Opened } from '@vir/xml';
import type { IndexCrypto } from './index-crypto';

/**
 * The index's CPU-heavy XML work: verify + decrypt meldingen, sign matchsignalen. Behind an
 * interface so it can run on worker threads (XmlWorkerPool) or in the calling thread (tests,
 * INDEX_XML_WORKERS=0). A refusal is the XmlMessageError @vir/xml throws.
 */
export interface IndexXml {
  /** The signing identity's OIN (afzender of every signal). */
  readonly signerOin: string;
  /** A chunk's meldingen: one outcome per document, in order; a refusal fails only its own. */
  openMeldingen(xmls: string[], at: Date): Promise<Settled<Opened<MeldingBericht>>[]>;
  /** One signed document per item, in order: a Matchsignaal on its own, or a party's Matchsignalen under one signature. */
  signMatchsignalen(documents: SignalDocument[]): Promise<string[]>;
  close(): Promise<void>;
}

/** Everything in the calling thread. */
export class InThreadXml implements IndexXml {
  readonly signerOin: string;

  constructor(private readonly crypto: Pick<IndexCrypto, 'trustStore' | 'decryptionKeys' | 'signer'>) {
    this.signerOin = crypto.signer.oin;
  }

  async openMeldingen(xmls: string[], at: Date): Promise<Settled<Opened<MeldingBericht>>[]> {
    const options = { trustStore: this.crypto.trustStore, at, recipientKey: this.crypto.decryptionKeys };
    return xmls.map((xml): Settled<Opened<MeldingBericht>> => {
      try {
        return { ok: true, value: openMelding(xml, options) };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }

  async signMatchsignalen(documents: SignalDocument[]): Promise<string[]> {
    return documents.map((d) => ('signalen' in d ? signMatchsignalen(d, this.crypto.signer) : signMatchsignaal(d, this.crypto.signer)));
  }

  async close(): Promise<void> {}
}

/** What the index signs for a party: one signal, or a bundle of them (schema 1.4). */
export type SignalDocument = MatchsignaalBericht | MatchsignalenBericht;

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects, so results can be awaited in order without unhandled rejections. */
export function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** What the outbox relay needs: signing, and the signer's OIN (for signals it rebuilds from their matches). */
export type SignalSigner = Pick<IndexXml, 'signMatchsignalen' | 'signerOin'>;
