import { randomUUID } from 'node:crypto';
import type { OntvangstResultaat } from '@vir/contracts';
import type { Clock } from '@vir/domain';
import { signOntvangstbevestiging, type Signer } from '@vir/xml';

/**
 * The gateway's signed acknowledgement (Ontvangstbevestiging) for direct parties: they sent
 * signed XML, so they get signed XML back, one result per item, accepted or refused with code.
 */
export class AcknowledgementSigner {
  constructor(
    private readonly signer: Signer,
    private readonly clock: Clock,
  ) {}

  sign(recipientOin: string, resultaten: OntvangstResultaat[]): string {
    return signOntvangstbevestiging(
      { berichtId: randomUUID(), afzenderOin: this.signer.oin, ontvangerOin: recipientOin, verzonden: this.clock.now().toISOString(), resultaten },
      this.signer,
    );
  }
}
