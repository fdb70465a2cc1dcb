import { readFileSync } from 'node:fs';
import type { PartyInfo } from './roles';

/**
 * The parties the monitor knows by name and covenant area, from the gateway's parties file
 * (`{ "parties": [{ "oin", "name", "convenant", … }] }`; other fields are ignored). Names come
 * from outside and are treated as untrusted text wherever they are shown.
 */
export class PartyDirectory {
  private readonly byOin: Map<string, PartyInfo>;

  constructor(readonly parties: PartyInfo[]) {
    this.byOin = new Map(parties.map((p) => [p.oin, p]));
  }

  static fromFile(path: string | undefined): PartyDirectory {
    if (!path) return new PartyDirectory([]);
    const json = JSON.parse(readFileSync(path, 'utf8')) as { parties?: unknown };
    if (!Array.isArray(json.parties)) throw new Error(`${path}: no "parties" array`);
    return PartyDirectory.fromJson(json.parties);
  }

  static fromJson(list: unknown[]): PartyDirectory {
    const parties = list.map((p, i) => {
      const { oin, name, convenant } = (p ?? {}) as Record<string, unknown>;
      if (typeof oin !== 'string' || !/^\d{20}$/.test(oin)) throw new Error(`parties[${i}].oin: 20 digits`);
      if (typeof convenant !== 'string' || !/^\d{1,3}$/.test(convenant)) throw new Error(`parties[${i}].convenant: 1-3 digits`);
      return { oin, name: typeof name === 'string' ? name : oin, convenant };
    });
    return new PartyDirectory(parties);
  }

  get(oin: string | null | undefined): PartyInfo | undefined {
    return oin ? this.byOin.get(oin) : undefined;
  }

  /** A display name: the party's name, or its OIN when unknown. */
  name(oin: string | null | undefined): string {
    if (!oin) return '—';
    return this.byOin.get(oin)?.name ?? oin;
  }
}
