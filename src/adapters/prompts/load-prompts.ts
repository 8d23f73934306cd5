import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parsePromptTemplate, PromptRoles, type PromptRole, type PromptSet, type PromptTemplate } from '../../core/agent/prompt-template';
import { ErrorCodes, IraError } from '../../errors';

/**
 * Reads prompts/<role>.md once, checks each template (both parts, known and required placeholders) and hands the
 * strings to the core. Called from a composition root at startup, so a bad deploy fails before any alert is read.
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

function readTemplate(directory: string, role: PromptRole): PromptTemplate {
  const path = join(directory, `${role}.md`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new IraError(ErrorCodes.configInvalid, `cannot read prompt ${path}`, { cause: error });
  }
  const parsed = parsePromptTemplate(role, text);
  if (!parsed.ok) throw new IraError(ErrorCodes.configInvalid, `invalid prompt ${path}: ${parsed.error}`);
  return parsed.value;
}

export function loadPromptSet(directory: string = defaultPromptsDir()): PromptSet {
  const entries = PromptRoles.map((role) => [role, readTemplate(directory, role)] as const);
  return Object.fromEntries(entries) as Record<PromptRole, PromptTemplate>;
}
