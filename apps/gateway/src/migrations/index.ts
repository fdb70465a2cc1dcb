import { InitialGatewaySchema1763788800000 } from './1763788800000-initial-gateway-schema';
import { IngressLedger1763800000000 } from './1763800000000-ingress-ledger';
import { OutboundType1763810000000 } from './1763810000000-outbound-type';
import { OutboundPing1763820000000 } from './1763820000000-outbound-ping';
import { SignalContent1763830000000 } from './1763830000000-signal-content';
import { Parties1763840000000 } from './1763840000000-parties';
import { SignalLifecycle1763850000000 } from './1763850000000-signal-lifecycle';
import { IngressXml1764100000000 } from './1764100000000-ingress-xml';
import { Retention1764300000000 } from './1764300000000-retention';
import { PartyCertificates1764500000000 } from './1764500000000-party-certificates';
import { PushBatchSize1764600000000 } from './1764600000000-push-batch-size';
import { SignalBundled1764700000000 } from './1764700000000-signal-bundled';

/** In order; applied at start by the persistence module. */
export const GATEWAY_MIGRATIONS = [InitialGatewaySchema1763788800000, IngressLedger1763800000000, OutboundType1763810000000, OutboundPing1763820000000, SignalContent1763830000000, Parties1763840000000, SignalLifecycle1763850000000, IngressXml1764100000000, Retention1764300000000, PartyCertificates1764500000000, PushBatchSize1764600000000, SignalBundled1764700000000];
