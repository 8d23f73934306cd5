import { loadPromptSet } from '../../../../src/adapters/prompts/load-prompts';
import type { ResponseAction } from '../../../../src/core/agent/action';
import type { AgentConfig } from '../../../../src/core/agent/agent-config';
import { defaultAgentConfig, type AgentConfigOverrides } from '../../../../src/config';
import type { IncidentAnswer, RevisionAnswer } from '../../../../src/core/agent/answers';
import type { AgentDeps } from '../../../../src/core/agent/context';
import { RecoveryStateFields, type RecoveryState, type RecoveryStateField } from '../../../../src/core/agent/recovery-state';
import { NormalizedAlert } from '../../../../src/core/alert/schema';
import { stableHash } from '../../../../src/core/hash';
import type { LlmRequest } from '../../../../src/core/ports/llm';
import type { FakeLlm, Handler } from './fake-llm';

export const prompts = loadPromptSet();

/** Deterministic random source (mulberry32). */
export function seededRandom(seed = 7): () => number {
  let value = seed >>> 0;
  return () => {
    value = (value + 0x6d2b79f5) >>> 0;
    let t = value;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeDeps(llm: FakeLlm, now: () => number = () => 1_700_000_000_000): AgentDeps {
  return { llm, prompts, now, random: seededRandom() };
}

export function makeConfig(overrides: AgentConfigOverrides = {}): AgentConfig {
  return defaultAgentConfig(overrides);
}

export interface AlertSpec {
  id: string;
  message?: string;
  rule?: string;
  category?: string;
  severity?: number;
  host?: string;
  src?: string;
  dst?: string;
  user?: string;
  minute?: number;
}

export function makeAlert(spec: AlertSpec): NormalizedAlert {
  return NormalizedAlert.parse({
    '@timestamp': new Date(Date.UTC(2024, 2, 1, 8, spec.minute ?? 0)).toISOString(),
    message: spec.message ?? spec.rule ?? 'alert',
    event: { kind: 'alert', id: spec.id, severity: spec.severity ?? 60, original: spec.message ?? '' },
    rule: { ...(spec.rule === undefined ? {} : { name: spec.rule }), ...(spec.category === undefined ? {} : { category: spec.category }) },
    host: spec.host === undefined ? {} : { name: spec.host },
    source: spec.src === undefined ? {} : { ip: spec.src },
    destination: spec.dst === undefined ? {} : { ip: spec.dst },
    user: spec.user === undefined ? {} : { name: spec.user },
    threat: { tactic: { id: [], name: [] }, technique: { id: [], name: [] } },
    ira: { format: 'snort', alert_id: stableHash(`snort${spec.id}`) },
  });
}

/** Snort-style alerts: an SSH brute force from 203.0.113.5 against web-01 (10.0.0.17). */
export function bruteForceAlerts(): NormalizedAlert[] {
  return [1, 2, 3].map((n) =>
    makeAlert({
      id: `a${n}`,
      minute: n,
      message: `[1:2001219:20] ET SCAN Potential SSH Scan [Classification: Attempted Information Leak] [Priority: 2] {TCP} 203.0.113.5:4${n}000 -> 10.0.0.17:22`,
      rule: 'ET SCAN Potential SSH Scan',
      host: 'web-01',
      src: '203.0.113.5',
      dst: '10.0.0.17',
      user: 'deploy',
    }),
  );
}

export const system = 'A web server web-01 (10.0.0.17) serves the shop; a database db-01 (10.0.0.20) sits behind it.';

export const act = (kind: ResponseAction['kind'], targets: string[], description: string): ResponseAction => ({
  kind,
  targets,
  description,
});

const effects: Partial<Record<ResponseAction['kind'], RecoveryStateField[]>> = {
  contain: ['contained'],
  'isolate-host': ['contained'],
  'block-ip': ['contained'],
  analyse: ['assessed'],
  'collect-forensics': ['preserved'],
  eradicate: ['evicted'],
  'kill-process': ['evicted'],
  patch: ['hardened'],
  harden: ['hardened'],
  'restore-service': ['restored'],
};
const policyKinds: Record<RecoveryStateField, ResponseAction['kind']> = {
  contained: 'isolate-host',
  assessed: 'analyse',
  preserved: 'collect-forensics',
  evicted: 'eradicate',
  hardened: 'patch',
  restored: 'restore-service',
};

export function stateIn(user: string): RecoveryState {
  const match = /Current recovery state: (\{.*\})/.exec(user);
  if (match?.[1] === undefined) throw new Error('no current state in the prompt');
  return JSON.parse(match[1]) as RecoveryState;
}

export function actionIn(user: string): ResponseAction {
  const match = /Action being carried out now \(JSON\): (\{.*\})/.exec(user);
  if (match?.[1] === undefined) throw new Error('no action in the prompt');
  return JSON.parse(match[1]) as ResponseAction;
}

export const isRolloutCall = (user: string): boolean => user.includes('"outcome":"simulated"');

export function applyEffects(state: RecoveryState, action: ResponseAction): RecoveryState {
  const next = { ...state };
  for (const field of effects[action.kind] ?? []) next[field] = true;
  return next;
}

export function policyAction(state: RecoveryState): ResponseAction {
  const field = RecoveryStateFields.find((name) => !state[name]) ?? 'restored';
  return act(policyKinds[field], [], `simulated ${field} step`);
}

export function incidentAnswer(overrides: Partial<IncidentAnswer> = {}): IncidentAnswer {
  return {
    reasoning: 'SSH scanning from one external address against the web server.',
    incident: true,
    description: 'An external host scans and brute-forces SSH on web-01.',
    tactics: ['Reconnaissance'],
    techniques: ['T1046 Network Service Discovery'],
    entities: { attackers: ['203.0.113.5'], systems: ['web-01'], targets: ['10.0.0.17'] },
    state: { contained: false, assessed: false, preserved: false, evicted: false, hardened: false, restored: false },
    ...overrides,
  };
}

export interface WorldOptions {
  incident?: IncidentAnswer;
  /** Served to candidate sampling in order. */
  candidates: ResponseAction[];
  effect?: (state: RecoveryState, action: ResponseAction, request: LlmRequest<unknown>) => unknown;
  signatures?: Record<string, { classification: string; priority: number }[]>;
  revision?: RevisionAnswer;
  /** Returns the reply to use, or undefined to fall through to the world. */
  override?: (request: LlmRequest<unknown>, user: string) => unknown;
}

/** A tiny incident world: kind-based state effects, an ideal-order rollout policy, scripted candidates. */
export function world(options: WorldOptions): Handler {
  let candidateIndex = 0;
  return (request) => {
    const user = request.messages.find((message) => message.role === 'user')?.content ?? '';
    const overridden = options.override?.(request, user);
    if (overridden !== undefined) return overridden;
    switch (request.purpose) {
      case 'perceive':
        return options.incident ?? incidentAnswer();
      case 'conjecture-test': {
        const tactic = /Tactic: (.+)/.exec(user)?.[1]?.trim() ?? '';
        return { signatures: options.signatures?.[tactic] ?? [{ classification: 'Attempted Information Leak', priority: 2 }] };
      }
      case 'conjecture-revise':
        if (options.revision === undefined) throw new Error('unexpected conjecture revision');
        return options.revision;
      case 'generate-action':
      case 'direct-plan': {
        if (isRolloutCall(user)) return { reasoning: 'next stage', ...policyAction(stateIn(user)) };
        const candidate = options.candidates[candidateIndex++];
        if (candidate === undefined) throw new Error('the candidate script ran out');
        return { reasoning: `because ${candidate.kind}`, ...candidate };
      }
      case 'predict-state': {
        const state = stateIn(user);
        const action = actionIn(user);
        return options.effect?.(state, action, request) ?? { reasoning: 'applied', ...applyEffects(state, action) };
      }
      case 'judge':
        throw new Error('unexpected judge call');
    }
  };
}
