import { loadConfig } from '../../../src/config';
import { ActionAnswer, IncidentAnswer, RevisionAnswer, SignatureAnswer, StateAnswer } from '../../../src/core/agent/answers';
import { findUnboundedStrings, toJsonSchema } from '../../../src/core/llm/json-schema';
import { agentConfigFromSettings } from '../../../src/core/agent/agent-config';
import { defaultAgentConfig } from '../../../src/config';
import { actionKey } from '../../../src/core/agent/action';
import {
  RecoveryStateFields,
  initialRecoveryState,
  isTerminal,
  mergeMonotone,
  progress,
  type RecoveryState,
} from '../../../src/core/agent/recovery-state';
import { expectedKeys, observedSignatures, precisionRecall, signatureMode } from '../../../src/core/agent/signatures';
import { act, bruteForceAlerts, makeAlert } from './support/world';

function stateFromBits(bits: number): RecoveryState {
  const state = { ...initialRecoveryState };
  RecoveryStateFields.forEach((field, index) => {
    state[field] = (bits & (1 << index)) !== 0;
  });
  return state;
}

describe('RecoveryState', () => {
  it('keeps the paper order', () => {
    expect(RecoveryStateFields).toEqual(['contained', 'assessed', 'preserved', 'evicted', 'hardened', 'restored']);
  });

  it('mergeMonotone is a bitwise OR: never loses a bit, never invents one (all 64×64 pairs)', () => {
    for (let a = 0; a < 64; a++) {
      for (let b = 0; b < 64; b++) {
        const merged = mergeMonotone(stateFromBits(a), stateFromBits(b));
        expect(merged).toEqual(stateFromBits(a | b));
        expect(progress(stateFromBits(a), merged)).toBe(RecoveryStateFields.filter((_, i) => (b & ~a & (1 << i)) !== 0).length);
      }
    }
  });

  it('is terminal only when all six stages are done', () => {
    for (let bits = 0; bits < 64; bits++) expect(isTerminal(stateFromBits(bits))).toBe(bits === 63);
  });
});

describe('signatures', () => {
  it('extracts normalised classification/priority pairs from Snort alerts', () => {
    const observed = observedSignatures(bruteForceAlerts());
    expect([...observed]).toEqual(['attempted information leak|2']);
    expect(signatureMode(observed)).toBe('pairs');
  });

  it('falls back to the rule category or name for other formats', () => {
    const observed = observedSignatures([makeAlert({ id: 'w1', rule: 'sshd: Authentication failed.', category: 'Authentication_Failed' }), makeAlert({ id: 'w2', rule: 'Web shell upload' })]);
    expect([...observed].sort()).toEqual(['authentication failed', 'web shell upload']);
    expect(signatureMode(observed)).toBe('names');
    expect(expectedKeys({ signatures: [{ classification: 'Authentication-FAILED', priority: 3 }] }, 'names')).toEqual(['authentication failed']);
  });

  it('computes precision and recall as in the reference, 0 when a side is empty', () => {
    expect(precisionRecall(['a', 'b', 'c', 'd'], new Set(['a', 'b', 'x']))).toEqual({ precision: 0.5, recall: 2 / 3 });
    expect(precisionRecall([], new Set(['a']))).toEqual({ precision: 0, recall: 0 });
    expect(precisionRecall(['a'], new Set())).toEqual({ precision: 0, recall: 0 });
  });
});

describe('actions', () => {
  it('normalises kind, target set and description for deduplication', () => {
    expect(actionKey(act('block-ip', ['10.0.0.1', 'B'], 'Block it now.'))).toBe(actionKey(act('block-ip', ['b ', '10.0.0.1'], 'block IT now')));
    expect(actionKey(act('block-ip', ['10.0.0.1'], 'Block it.'))).not.toBe(actionKey(act('contain', ['10.0.0.1'], 'Block it.')));
  });
});

describe('AgentConfig', () => {
  it('has the papers\u2019 defaults', () => {
    expect(defaultAgentConfig()).toMatchObject({
      candidates: 3,
      rollouts: 3,
      depth: 10,
      temperature: 0.6,
      topP: 0.9,
      precisionThreshold: 0.7,
      consistencyBeta: 0.9,
      features: { planning: true, conjectureTest: true, adaptation: true },
    });
  });

  it('is built from the agent and llm sections of the configuration', () => {
    const config = loadConfig({ IRA_AGENT_CANDIDATES: '4', IRA_AGENT_MAX_LLM_CALLS_PER_STEP: '99', IRA_LLM_TEMPERATURE: '0.2' });
    const agent = agentConfigFromSettings(config.agent, config.llm, { features: { planning: false } });
    expect(agent).toMatchObject({ candidates: 4, temperature: 0.2, budgets: { maxLlmCalls: 99 }, features: { planning: false, adaptation: true } });
    expect(agent.contextSize).toBe(config.llm.contextSize);
  });
});

describe('model-answer schemas', () => {
  it('convert to JSON Schema with every string bounded (constrained decoding terminates)', () => {
    for (const schema of [IncidentAnswer, StateAnswer, ActionAnswer, SignatureAnswer, RevisionAnswer]) {
      const json = toJsonSchema(schema);
      expect(findUnboundedStrings(json)).toEqual([]);
    }
  });
});
