import type { MatchsignaalBericht, MeldingBericht } from '@vir/contracts';
import { openMelding, signMatchsignaal, type Opened } from '@vir/xml';
import type { IndexCrypto } from './index-crypto';

/**
 * The index's CPU-heavy XML work: verify + decrypt meldingen, sign matchsignalen. Behind an
 * interface so it can run on worker threads (XmlWorkerPool) or in the calling thread (tests,
 * INDEX_XML_WORKERS=0). Refusals reject with the XmlMessageError @vir/xml throws.
 */
export interface IndexXml {
  /** The signing identity's OIN (afzender of every signal). */
  readonly signerOin: string;
  openMelding(xml: string, at: Date): Promise<Opened<MeldingBericht>>;
  /** One signed document per bericht, in order. */
  signMatchsignalen(berichten: MatchsignaalBericht[]): Promise<string[]>;
  close(): Promise<void>;
}

/** Everything in the calling thread. */
export class InThreadXml implements IndexXml {
  readonly signerOin: string;

  constructor(private readonly crypto: Pick<IndexCrypto, 'trustStore' | 'decryptionKeys' | 'signer'>) {
    this.signerOin = crypto.signer.oin;
  }

  async openMelding(xml: string, at: Date): Promise<Opened<MeldingBericht>> {
    return openMelding(xml, { trustStore: this.crypto.trustStore, at, recipientKey: this.crypto.decryptionKeys });
  }

  async signMatchsignalen(berichten: MatchsignaalBericht[]): Promise<string[]> {
    return berichten.map((b) => signMatchsignaal(b, this.crypto.signer));
  }

  async close(): Promise<void> {}
}

/** What the outbox relay needs: signing (the signer's OIN is already in each bericht). */
export type SignalSigner = Pick<IndexXml, 'signMatchsignalen'>;
