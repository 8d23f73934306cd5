import { ThreatBuilder } from '../../../src/core/alert/mitre';

describe('ThreatBuilder', () => {
  it('reads Sigma-style ATT&CK tags as OpenSearch Security Analytics copies them', () => {
    const threat = new ThreatBuilder();
    for (const tag of ['attack.execution', 'attack.t1059.001', 'attack.TA0011', 'attack.s0002', 'attack.command_and_control', 'windows', 'high']) {
      threat.addTag(tag);
    }
    expect(threat.build()).toEqual({
      tactic: { id: ['TA0002', 'TA0011'], name: ['Execution', 'Command and Control'] },
      technique: { id: ['T1059.001'], name: [] },
    });
  });

  it('gives Wazuh tactic names their ids and keeps unknown names as given', () => {
    const threat = new ThreatBuilder()
      .addTactic(undefined, 'Defense Evasion')
      .addTactic(undefined, 'privilege-escalation')
      .addTactic(undefined, 'Not A Tactic')
      .addTechnique('t1078', 'Valid Accounts')
      .addTechnique('T1078', 'Valid Accounts');
    expect(threat.build()).toEqual({
      tactic: { id: ['TA0005', 'TA0004'], name: ['Defense Evasion', 'Privilege Escalation', 'Not A Tactic'] },
      technique: { id: ['T1078'], name: ['Valid Accounts'] },
    });
  });
});
