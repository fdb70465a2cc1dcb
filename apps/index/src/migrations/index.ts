import { InitialIndexSchema1763788800000 } from './1763788800000-initial-index-schema';
import { MeldingOuders1763800000000 } from './1763800000000-melding-ouders';
import { LifecycleAndAudit1763810000000 } from './1763810000000-lifecycle-and-audit';
import { OutboxBatches1763820000000 } from './1763820000000-outbox-batches';
import { PartySettings1763830000000 } from './1763830000000-party-settings';
import { MeldingWoongemeente1764200000000 } from './1764200000000-melding-woongemeente';
import { OutboxWrittenAt1764500000000 } from './1764500000000-outbox-written-at';
import { OutboxUncompressed1764600000000 } from './1764600000000-outbox-uncompressed';
import { PartyBundledSignals1764700000000 } from './1764700000000-party-bundled-signals';
import { MatchMeldingBIndex1764800000000 } from './1764800000000-match-melding-b-index';
import { MeldingLookupIndexes1764900000000 } from './1764900000000-melding-lookup-indexes';

/** In order; applied at start by the persistence module. */
export const INDEX_MIGRATIONS = [InitialIndexSchema1763788800000, MeldingOuders1763800000000, LifecycleAndAudit1763810000000, OutboxBatches1763820000000, PartySettings1763830000000, MeldingWoongemeente1764200000000, OutboxWrittenAt1764500000000, OutboxUncompressed1764600000000, PartyBundledSignals1764700000000, MatchMeldingBIndex1764800000000, MeldingLookupIndexes1764900000000];
