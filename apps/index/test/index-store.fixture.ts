import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { MeldingBericht } from '@vir/contracts';
import { DEV_INDEX, devIndexCryptoFiles, ensureDevPki } from '@vir/devstack';
import type { Clock } from '@vir/domain';
import { openDataSource } from '@vir/persistence';
import { ROOT_DIR, testBsn } from '@vir/testing';
import type { IndexCryptoFiles } from '../src/matching/index-crypto';
import { MeldingStore, type MeldingStoreOptions, type RecordInput } from '../src/matching/melding.store';
import { INDEX_MIGRATIONS } from '../src/migrations';
import { INDEX_ENTITIES } from '../src/persistence/index.entities';

/** The index's store on a fresh schema of the test PostgreSQL, with the dev index key. */
export async function openTestStore(clock: Clock, options?: MeldingStoreOptions): Promise<{ ds: DataSource; store: MeldingStore; drop(): Promise<void> }> {
  const schema = `t${randomUUID().slice(0, 8)}_index`;
  const ds = await openDataSource({ url: process.env.VIR_TEST_DATABASE_URL!, schema, entities: INDEX_ENTITIES, migrations: INDEX_MIGRATIONS, applicationName: 'index-test' });
  return {
    ds,
    store: new MeldingStore(ds, DEV_INDEX.oin, options),
    drop: async () => {
      await ds.query(`DROP SCHEMA "${schema}" CASCADE`);
      await ds.destroy();
    },
  };
}

/** A melding as the store takes it from the processor (verified), with pseudonyms given directly. */
export function storeInput(
  clock: Clock,
  o: { party: string; convenant: string; child: string; melderId: string; geboortedatum?: string; ouders?: string[]; berichtId?: string; referentie?: string; woongemeente?: string; subject?: string },
): RecordInput {
  const melding: MeldingBericht = {
    berichtId: o.berichtId ?? randomUUID(),
    afzenderOin: o.party,
    verzonden: clock.now().toISOString(),
    convenant: o.convenant,
    referentie: o.referentie ?? `REF-${o.melderId}`,
    jeugdige: { bsn: testBsn(1), geboortedatum: o.geboortedatum ?? '2014-05-05', ...(o.woongemeente ? { woongemeente: o.woongemeente } : {}) },
    ouders: [],
    meldingsdatum: clock.today(),
    melder: { id: o.melderId, naam: `Professional ${o.melderId}` },
    organisatie: { naam: 'School', domein: 'onderwijs' },
  };
  return {
    melding,
    jeugdige: { current: o.child, all: [o.child] },
    ouders: (o.ouders ?? []).map((p) => ({ current: p, all: [p] })),
    ...(o.subject ? { subject: o.subject } : {}),
    at: clock.now(),
    flow: (s) => ({ ...s, eventId: randomUUID(), at: clock.now().toISOString(), component: 'index' }),
  };
}

/** Records a melding as the processor would, with pseudonyms given directly. */
export function recordAs(store: MeldingStore, clock: Clock, o: Parameters<typeof storeInput>[1]) {
  return store.record(storeInput(clock, o));
}

/** The dev PKI's files as the index is configured with them. */
export async function devIndexFiles(): Promise<IndexCryptoFiles> {
  return devIndexCryptoFiles(await ensureDevPki(ROOT_DIR));
}
