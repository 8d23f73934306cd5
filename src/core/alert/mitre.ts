/**
 * MITRE ATT&CK mapping shared by the normalisers. Sources name tactics in different spellings (Wazuh "Defense
 * Evasion", Sigma tags `attack.defense_evasion`, Elastic `{id: 'TA0005', name: 'Defense Evasion'}`); the fixed
 * table of the 14 Enterprise tactics (ATT&CK v18.1) turns any of them into the id and the canonical name.
 */
export interface Threat {
  tactic: { id: string[]; name: string[] };
  technique: { id: string[]; name: string[] };
}

const ENTERPRISE_TACTICS: readonly (readonly [id: string, name: string])[] = [
  ['TA0043', 'Reconnaissance'],
  ['TA0042', 'Resource Development'],
  ['TA0001', 'Initial Access'],
  ['TA0002', 'Execution'],
  ['TA0003', 'Persistence'],
  ['TA0004', 'Privilege Escalation'],
  ['TA0005', 'Defense Evasion'],
  ['TA0006', 'Credential Access'],
  ['TA0007', 'Discovery'],
  ['TA0008', 'Lateral Movement'],
  ['TA0009', 'Collection'],
  ['TA0011', 'Command and Control'],
  ['TA0010', 'Exfiltration'],
  ['TA0040', 'Impact'],
];

const tacticKey = (text: string): string => text.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
const TACTIC_BY_KEY = new Map<string, readonly [string, string]>();
for (const tactic of ENTERPRISE_TACTICS) {
  TACTIC_BY_KEY.set(tacticKey(tactic[1]), tactic);
  TACTIC_BY_KEY.set(tactic[0].toLowerCase(), tactic);
}

const TECHNIQUE_ID = /^t\d{4}(?:\.\d{3})?$/i;

/** Collects tactics and techniques without duplicates, in first-seen order. */
export class ThreatBuilder {
  readonly #tacticIds = new Set<string>();
  readonly #tacticNames = new Set<string>();
  readonly #techniqueIds = new Set<string>();
  readonly #techniqueNames = new Set<string>();

  /** A tactic by id (`TA0002`) and/or name in any spelling; known tactics get both, unknown names stay as given. */
  addTactic(id: string | undefined, name: string | undefined): this {
    const known = TACTIC_BY_KEY.get(tacticKey(id ?? '')) ?? TACTIC_BY_KEY.get(tacticKey(name ?? ''));
    const tacticId = known?.[0] ?? id;
    const tacticName = known?.[1] ?? name;
    if (tacticId !== undefined && tacticId !== '') this.#tacticIds.add(tacticId);
    if (tacticName !== undefined && tacticName !== '') this.#tacticNames.add(tacticName);
    return this;
  }

  addTechnique(id: string | undefined, name: string | undefined): this {
    if (id !== undefined && id !== '') this.#techniqueIds.add(id.toUpperCase());
    if (name !== undefined && name !== '') this.#techniqueNames.add(name);
    return this;
  }

  /**
   * A Sigma-style tag as OpenSearch Security Analytics copies them into its queries: `attack.t1059.001`
   * (technique), `attack.execution` or `attack.ta0002` (tactic). Software/group tags (`attack.s0002`) and
   * anything that is not an ATT&CK tag are ignored.
   */
  addTag(tag: string): this {
    if (!tag.toLowerCase().startsWith('attack.')) return this;
    const value = tag.slice('attack.'.length);
    if (TECHNIQUE_ID.test(value)) return this.addTechnique(value, undefined);
    const known = TACTIC_BY_KEY.get(tacticKey(value));
    if (known !== undefined) this.addTactic(known[0], known[1]);
    return this;
  }

  build(): Threat {
    return {
      tactic: { id: [...this.#tacticIds], name: [...this.#tacticNames] },
      technique: { id: [...this.#techniqueIds], name: [...this.#techniqueNames] },
    };
  }
}

export function emptyThreat(): Threat {
  return { tactic: { id: [], name: [] }, technique: { id: [], name: [] } };
}
