import type { DevPartySpec } from '@vir/pki';

// The development PKI's parties: the national index and the demo parties (two regional
// tenants and the RvdK as a direct party). OINs are fictional but well-formed (20 digits).

export interface DevParty {
  name: string;
  oin: string;
  commonName: string;
  kind: 'regional' | 'direct';
  convenant: string;
  deliveryFormat: 'json' | 'xml';
}

export const DEV_INDEX = {
  name: 'landelijke-index',
  oin: '00000001823288444000',
  commonName: 'Landelijke Verwijsindex Risicojongeren (ontwikkel)',
  keyEncipherment: true,
} as const;

/**
 * The index's encryption certificate: an EC P-256 key (keyUsage keyAgreement only) that parties
 * encrypt BSNs for with ECDH-ES. Same OIN as DEV_INDEX, whose RSA key still decrypts RSA-OAEP
 * from parties on older stacks.
 */
export const DEV_INDEX_ENCRYPTION = {
  name: 'landelijke-index-enc',
  oin: DEV_INDEX.oin,
  commonName: 'Landelijke Verwijsindex Risicojongeren (versleuteling)',
  keyType: 'ec-p256',
  keyAgreement: true,
} as const;

/**
 * The index's signing certificate: an EC P-256 key (digitalSignature) that signs matchsignalen
 * with ECDSA, about ten times the RSA-2048 signing rate. Same OIN as DEV_INDEX.
 */
export const DEV_INDEX_SIGNING = {
  name: 'landelijke-index-sign',
  oin: DEV_INDEX.oin,
  commonName: 'Landelijke Verwijsindex Risicojongeren (ondertekening)',
  keyType: 'ec-p256',
} as const;

/** The gateway's own identity: it signs the Ontvangstbevestiging it answers direct parties with. */
export const DEV_GATEWAY = {
  name: 'vir-gateway',
  oin: '00000001823288444001',
  commonName: 'VIR Koppelvlak (ontwikkel)',
} as const;

/**
 * The demo parties' webhook receiver (libs/devstack WebhookReceiver): its TLS server certificate.
 * The gateway delivers over mutual TLS and accepts only server certificates from our CAs.
 */
export const DEV_WEBHOOKS = {
  name: 'demo-webhooks',
  oin: '00000001823288444002',
  commonName: 'VIR demo webhooks (ontwikkel)',
} as const;

export const DEMO_PARTIES: DevParty[] = [
  { name: 'regio-nhn', oin: '00000003273416560001', commonName: 'Verwijsindex Noord-Holland Noord', kind: 'regional', convenant: '7', deliveryFormat: 'json' },
  { name: 'regio-twente', oin: '00000003273416560002', commonName: 'Verwijsindex Twente', kind: 'regional', convenant: '41', deliveryFormat: 'json' },
  { name: 'rvdk', oin: '00000001003214345000', commonName: 'Raad voor de Kinderbescherming', kind: 'direct', convenant: '66', deliveryFormat: 'xml' },
];

/** Everything the development PKI issues: the national side's identities and the demo parties. */
export function devPkiSpecs(parties: DevParty[] = DEMO_PARTIES): DevPartySpec[] {
  return [
    { name: DEV_INDEX.name, oin: DEV_INDEX.oin, commonName: DEV_INDEX.commonName, keyEncipherment: true },
    { ...DEV_INDEX_ENCRYPTION },
    { ...DEV_INDEX_SIGNING },
    { ...DEV_GATEWAY },
    { ...DEV_WEBHOOKS },
    ...parties.map((p) => ({ name: p.name, oin: p.oin, commonName: p.commonName })),
  ];
}
