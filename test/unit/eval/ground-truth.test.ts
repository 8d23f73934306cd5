import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countAlertsPerPhase, parseAitPhases, phaseAt } from '../../../src/core/eval/ait-phases';
import { canonicalTactic, canonicalTechnique, techniquesMatch } from '../../../src/core/eval/attack-labels';
import { parseDigitalTwinIncident } from '../../../src/core/eval/digital-twin-ground-truth';
import { GroundTruth } from '../../../src/core/eval/ground-truth';
import { aliasesFromSystem, loadGroundTruth } from '../../../src/eval/load-ground-truth';
import { loadDataset } from '../../../src/eval/load-dataset';

/** The loaders against the bundled datasets (real files: datasets/, see datasets/README.md for their origin). */
const datasets = join(__dirname, '..', '..', '..', 'datasets');
const read = (...parts: string[]) => readFileSync(join(datasets, ...parts), 'utf8');

describe('digital-twin incident ground truth', () => {
  it('parses Weak-Credential-3: tactics, techniques, attacker, targets and recovery targets', () => {
    const parsed = parseDigitalTwinIncident('wc3', read('digital-twin', 'weak-credential-3', 'incident.txt'));
    if (!parsed.ok) throw new Error(parsed.error);
    const truth = parsed.value;
    expect(truth.incident).toBe(true);
    expect(truth.tactics).toEqual([
      'Reconnaissance', 'Initial Access', 'Credential Access', 'Execution', 'Privilege Escalation', 'Lateral Movement', 'Collection',
    ]);
    expect(truth.techniques).toEqual(['T1021.002', 'T1059.004', 'T1110.001', 'T1005', 'T1046', 'T1190', 'T1078.001']);
    expect(truth.entities.attackers).toEqual(['10.0.1.11']);
    expect(truth.entities.targets).toEqual(['10.0.2.11', '10.0.2.12', '10.0.2.13', '10.0.2.14', '10.0.2.15']);
    expect(truth.entities.systems).toHaveLength(8);
    // The sentence's final period is not part of the last address.
    expect(truth.recoveryTargets).toEqual(['10.0.2.11', '10.0.2.12', '10.0.2.13']);
    expect(truth.description).toMatch(/^The logs indicate a multi-stage incident/);
    expect(GroundTruth.safeParse(truth).success).toBe(true);
  });

  it('parses Shellshock-4 with its eight techniques and four recovery targets', () => {
    const parsed = parseDigitalTwinIncident('ss4', read('digital-twin', 'shellshock-4', 'incident.txt'));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.techniques).toEqual(['T1059.004', 'T1021.002', 'T1505.003', 'T1190', 'T1005', 'T1041', 'T1071.001', 'T1110.001']);
    expect(parsed.value.tactics).toContain('Command and Control');
    expect(parsed.value.recoveryTargets).toEqual(['10.0.2.11', '10.0.2.12', '10.0.2.13', '10.0.2.14']);
  });

  it('rejects a text without the labelled lines instead of returning an empty truth', () => {
    const parsed = parseDigitalTwinIncident('bad', 'Something happened.\nAttacker IPs/hostnames identified: 10.0.0.1.');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/tactics, techniques, recoveryTargets/);
  });

  it('reads host names of the system description as aliases of their addresses', () => {
    const aliases = aliasesFromSystem(read('digital-twin', 'weak-credential-3', 'system.txt'));
    expect(aliases['10.0.2.11']).toEqual(['server_ssh']);
    expect(aliases['10.0.2.13']).toEqual(['server_shellshock']);
    expect(aliases['10.0.2.15']).toEqual(['server_web2']);
  });
});

describe('AIT attack phases', () => {
  const phasesJson: unknown = JSON.parse(read('ait-lds-insect', 'attack_phases.json'));

  it('parses a scenario in time order with half-open windows', () => {
    const parsed = parseAitPhases(phasesJson, 'insect', { hydra: { tactics: ['Credential Access'], techniques: ['T1110.001'] } });
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.map((phase) => phase.name)).toEqual(['nmap', 'nikto', 'vrfy', 'hydra', 'upload', 'exploit']);
    expect(parsed.value[3]?.techniques).toEqual(['T1110.001']);
    expect(phaseAt(parsed.value, '2020-03-04T14:14:00+00:00')?.name).toBe('hydra');
    expect(phaseAt(parsed.value, '2020-03-04T14:17:00+00:00')).toBeUndefined(); // end is exclusive; upload starts 14:18
    expect(phaseAt(parsed.value, '2020-03-04T14:11:00.000Z')?.name).toBe('vrfy'); // nikto ends where vrfy starts
    const counted = countAlertsPerPhase(parsed.value, ['2020-03-04T14:15:00Z', '2020-03-04T14:16:59Z', '2020-03-04T15:00:00Z', 'not a time']);
    expect(counted.find((phase) => phase.name === 'hydra')?.alertCount).toBe(2);
    expect(counted.find((phase) => phase.name === 'nikto')?.alertCount).toBe(0);
  });

  it('refuses an unknown scenario and a malformed file', () => {
    expect(parseAitPhases(phasesJson, 'no-such').ok).toBe(false);
    expect(parseAitPhases({ insect: { nmap: { start: 'yesterday' } } }, 'insect').ok).toBe(false);
  });

  it('loads the insect ground truth: labels only from phases that have alerts (counts as in the data README)', async () => {
    const truth = await loadGroundTruth(join(datasets, 'ait-lds-insect'), 'ait-lds-insect', {
      kind: 'ait-phases', file: 'ground-truth.json', phases: 'attack_phases.json',
    });
    const counts = Object.fromEntries((truth.phases ?? []).map((phase) => [phase.name, phase.alertCount]));
    expect(counts).toEqual({ nmap: 0, nikto: 15, vrfy: 0, hydra: 474, upload: 2, exploit: 4 });
    expect(truth.techniques).toEqual(expect.arrayContaining(['T1595.002', 'T1110.001', 'T1505.003', 'T1190']));
    expect(truth.techniques).not.toContain('T1046'); // nmap: no alert in the file
    expect(truth.entities.attackers).toEqual(['192.168.10.18']);
    expect(truth.aliases['192.168.10.21']).toContain('mail');
  });
});

describe('the bundled dataset', () => {
  it('lists four cases, one of them a false positive, each with a loadable ground truth', async () => {
    const cases = await loadDataset('bundled');
    expect(cases.map((c) => c.id)).toEqual(['weak-credential-3', 'shellshock-4', 'ait-lds-insect', 'ait-ads-fox-benign']);
    expect(cases.filter((c) => !c.truth.incident).map((c) => c.id)).toEqual(['ait-ads-fox-benign']);
    for (const item of cases) expect(GroundTruth.safeParse(item.truth).success).toBe(true);
  });
});

describe('ATT&CK label comparison', () => {
  it('maps names, short names and ids of tactics to one form', () => {
    expect(canonicalTactic('Command and Control')).toBe('command-and-control');
    expect(canonicalTactic('TA0011')).toBe('command-and-control');
    expect(canonicalTactic(' lateral_movement ')).toBe('lateral-movement');
  });

  it('matches a technique with its parent but not a sibling sub-technique', () => {
    expect(canonicalTechnique('t1110.001 Brute Force: Password Guessing')).toBe('T1110.001');
    expect(canonicalTechnique('brute force')).toBeUndefined();
    expect(techniquesMatch('T1110', 'T1110.001')).toBe(true);
    expect(techniquesMatch('T1110.003', 'T1110.001')).toBe(false);
    expect(techniquesMatch('T1021', 'T1021.002')).toBe(true);
  });
});
