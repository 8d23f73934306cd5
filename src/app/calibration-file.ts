import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultPromptsDir } from '../adapters/prompts/load-prompts';
import type { Config } from '../config';
import type { AgentConfig } from '../core/agent/agent-config';
import { CalibrationResult } from '../core/agent/calibration';

/** Where `ira calibrate` writes (relative to the working directory) and the agent looks for `<profile>.json`. */
export const calibrationDir = join('datasets', 'calibration');

/** The shipped calibration folder, found from the package root (beside prompts/) whatever the working directory. */
export function shippedCalibrationDir(): string {
  return join(dirname(defaultPromptsDir()), calibrationDir);
}

/**
 * γ for a model profile: the calibration file's when there is one, else the configured IRA_AGENT_CONSISTENCY_GAMMA.
 * A file that does not parse stops startup (a bad deploy fails fast), it is never ignored.
 */
export function calibratedGamma(profile: string, fallback: number, directory = shippedCalibrationDir()): { gamma: number; source: string } {
  const path = join(directory, `${profile}.json`);
  if (!existsSync(path)) return { gamma: fallback, source: 'IRA_AGENT_CONSISTENCY_GAMMA' };
  const parsed = CalibrationResult.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new RangeError(`${path}: not a calibration result (${parsed.error.message})`);
  return { gamma: parsed.data.gamma, source: path };
}

/** The model profile of a configuration: IRA_LLM_PROFILE where the config has it, else the provider's default. */
export function profileOf(config: Config): string {
  const llm: object = config.llm;
  if ('profile' in llm && typeof llm.profile === 'string') return llm.profile;
  return config.llm.provider === 'ollama' ? 'deepseek-r1' : 'smollm2';
}

/** The agent config with γ of the configured profile's calibration, where there is one. */
export function withCalibratedGamma(config: Config, agent: AgentConfig): AgentConfig {
  return { ...agent, consistencyGamma: calibratedGamma(profileOf(config), agent.consistencyGamma).gamma };
}
