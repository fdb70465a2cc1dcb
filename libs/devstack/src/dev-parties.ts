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

export const DEMO_PARTIES: DevParty[] = [
  { name: 'regio-nhn', oin: '00000003273416560001', commonName: 'Verwijsindex Noord-Holland Noord', kind: 'regional', convenant: '7', deliveryFormat: 'json' },
  { name: 'regio-twente', oin: '00000003273416560002', commonName: 'Verwijsindex Twente', kind: 'regional', convenant: '41', deliveryFormat: 'json' },
  { name: 'rvdk', oin: '00000001003214345000', commonName: 'Raad voor de Kinderbescherming', kind: 'direct', convenant: '66', deliveryFormat: 'xml' },
];
