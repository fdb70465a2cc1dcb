import type { Party } from './party';

/** A party for specs: an active direct party with pull delivery, changed by `over`. */
export function testParty(over: Partial<Party> = {}): Party {
  return {
    oin: '00000001003214345000',
    name: 'Test',
    kind: 'direct',
    convenant: '66',
    certificates: [],
    webhookUrl: null,
    pull: true,
    deliveryFormat: 'xml',
    pushBatchSize: 1,
    localMatching: false,
    rateLimitPerSecond: null,
    status: 'active',
    statusReason: null,
    signingKeyFile: null,
    signingCertFile: null,
    ...over,
  };
}
