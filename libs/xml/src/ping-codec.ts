import { randomUUID } from 'node:crypto';
import type { PingBericht, PingHop, PingRichting } from '@vir/contracts';
import * as rules from './field-rules';
import { gerichteKopElement, openWith, readGerichteKop, signWith, type CodecSpec, type Opened } from './message-codec';
import type { Signer } from './xml-signer';
import { ElementReader, violation } from './xml-tree';
import type { OpenOptions } from './xml-verifier';
import { el, leaf } from './xml-writer';

/** Hops per ping, as the XSD allows. */
export const MAX_HOPS = 32;
const RICHTINGEN: readonly PingRichting[] = ['heen', 'terug'];

const SPEC: CodecSpec<PingBericht> = {
  root: 'Ping',
  check(m) {
    if (typeof m !== 'object' || m === null) throw violation('the ping is missing');
    rules.uuid(m.berichtId, '/Ping/Kop/BerichtId');
    rules.oin(m.afzenderOin, '/Ping/Kop/AfzenderOin');
    rules.oin(m.ontvangerOin, '/Ping/Kop/OntvangerOin');
    rules.dateTime(m.verzonden, '/Ping/Kop/Verzonden');
    rules.uuid(m.pingId, '/Ping/PingId');
    rules.oneOf(m.richting, RICHTINGEN, '/Ping/Richting');
    if (!Array.isArray(m.hops) || m.hops.length < 1 || m.hops.length > MAX_HOPS) throw violation(`/Ping/Hops must hold 1-${MAX_HOPS} Hop elements`);
    m.hops.forEach((hop, i) => {
      const path = `/Ping/Hops/Hop[${i + 1}]`;
      if (typeof hop !== 'object' || hop === null) throw violation(`${path} is missing`);
      rules.component(hop.component, `${path}/Component`);
      rules.dateTime(hop.tijdstip, `${path}/Tijdstip`);
    });
  },
  write: (m) => [
    gerichteKopElement(m),
    leaf('PingId', m.pingId),
    leaf('Richting', m.richting),
    el('Hops', m.hops.map((hop) => el('Hop', [leaf('Component', hop.component), leaf('Tijdstip', hop.tijdstip)]))),
  ],
  read(r) {
    const kop = readGerichteKop(r);
    const pingId = r.text('PingId');
    const richting = r.text('Richting') as PingRichting;
    const hopsReader = r.child('Hops');
    const hops = hopsReader.many('Hop').map((node, i): PingHop => {
      const hop = new ElementReader(node, `/Ping/Hops/Hop[${i + 1}]`);
      const result = { component: hop.text('Component'), tijdstip: hop.text('Tijdstip') };
      hop.done();
      return result;
    });
    hopsReader.done();
    return { ...kop, pingId, richting, hops };
  },
};

export function signPing(m: PingBericht, signer: Signer): string {
  return signWith(SPEC, m, signer);
}

export function openPing(xml: string, o: OpenOptions): Opened<PingBericht> {
  return openWith(SPEC, xml, o);
}

/**
 * The same ping one hop further: this hop appended, sent on by `afzenderOin` (who must re-sign,
 * since the signature covers every hop) under a new BerichtId.
 */
export function forwardPing(ping: PingBericht, hop: PingHop & { afzenderOin: string }): PingBericht {
  if (ping.hops.length >= MAX_HOPS) throw violation(`/Ping/Hops may hold at most ${MAX_HOPS} Hop elements`);
  return {
    ...ping,
    berichtId: randomUUID(),
    afzenderOin: hop.afzenderOin,
    verzonden: hop.tijdstip,
    hops: [...ping.hops, { component: hop.component, tijdstip: hop.tijdstip }],
  };
}

/** The answer (pong) of the destination: same pingId, richting "terug", back to the ping's sender. */
export function answerPing(ping: PingBericht, hop: PingHop & { afzenderOin: string }): PingBericht {
  if (ping.richting !== 'heen') throw violation('/Ping/Richting: only a ping "heen" is answered');
  return { ...forwardPing(ping, hop), richting: 'terug', ontvangerOin: ping.afzenderOin };
}
