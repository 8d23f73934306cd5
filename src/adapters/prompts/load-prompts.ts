import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parsePromptTemplate, parseSharedPrompt, PromptRoles, type PromptRole, type PromptSet } from '../../core/agent/prompt-template';
import type { Result } from '../../core/result';
import { ErrorCodes, IraError } from '../../errors';

/**
 * Reads prompts/shared.md and prompts/<role>.md once, checks each (parts, known and required placeholders, the
 * head's order) and hands the strings to the core. Called from a composition root at startup, so a bad deploy fails before any alert is read.
 */
const marker = join('prompts', 'incident-analysis.md');

/** The repository's prompts/ folder, found by walking up from this file (works from src/ and from dist/src/). */
export function defaultPromptsDir(start: string = __dirname): string {
  let directory = resolve(start);
  for (let level = 0; level < 8; level++) {
    if (existsSync(join(directory, marker))) return join(directory, 'prompts');
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  throw new IraError(ErrorCodes.configInvalid, `no prompts/ folder found above ${start}`);
}

function readChecked<T>(directory: string, name: string, parse: (text: string) => Result<T, string>): T {
  const path = join(directory, `${name}.md`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new IraError(ErrorCodes.configInvalid, `cannot read prompt ${path}`, { cause: error });
  }
  const parsed = parse(text);
  if (!parsed.ok) throw new IraError(ErrorCodes.configInvalid, `invalid prompt ${path}: ${parsed.error}`);
  return parsed.value;
}

export function loadPromptSet(directory: string = defaultPromptsDir()): PromptSet {
  const shared = readChecked(directory, 'shared', parseSharedPrompt);
  const entries = PromptRoles.map((role) => [role, readChecked(directory, role, (text) => parsePromptTemplate(role, text))] as const);
  return { shared, roles: Object.fromEntries(entries) as Record<PromptRole, string> };
}
