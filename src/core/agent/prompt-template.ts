import { ErrorCodes, IraError } from '../../errors';
import { err, ok, type Result } from '../result';

/**
 * Prompt templates live in prompts/<role>.md (read once by src/adapters/prompts). A file holds the system message,
 * a line `<!-- user -->`, then the user message. `{{name}}` placeholders are filled in one pass by `renderPrompt`,
 * so text inserted for one placeholder is never expanded again.
 */
export const PromptRoles = [
  'incident-analysis',
  'state-prediction',
  'action-generation',
  'conjecture-test',
  'conjecture-revision',
] as const;
export type PromptRole = (typeof PromptRoles)[number];

export interface PromptTemplate {
  readonly system: string;
  readonly user: string;
}
export type PromptSet = Readonly<Record<PromptRole, PromptTemplate>>;

const common = ['system', 'stateGloss', 'actionKinds', 'tactics'];
export const PromptPlaceholders: Readonly<Record<PromptRole, { allowed: readonly string[]; required: readonly string[] }>> = {
  'incident-analysis': { allowed: [...common, 'evidence', 'feedback', 'state', 'history'], required: ['evidence'] },
  'state-prediction': {
    allowed: [...common, 'evidence', 'incident', 'conjecture', 'state', 'history', 'action'],
    required: ['state', 'action'],
  },
  'action-generation': {
    allowed: [...common, 'evidence', 'feedback', 'incident', 'conjecture', 'state', 'history', 'entities'],
    required: ['state', 'history'],
  },
  'conjecture-test': { allowed: [...common, 'tactic', 'signatureFormat'], required: ['tactic'] },
  'conjecture-revision': {
    allowed: [...common, 'evidence', 'incident', 'conjecture', 'failed', 'observed'],
    required: ['failed', 'observed'],
  },
};

export const userMarker = '<!-- user -->';
const placeholderPattern = /\{\{([a-zA-Z]+)\}\}/g;

/** A block of untrusted data already delimited and escaped by `renderDataBlock`; inserted verbatim. */
export interface DataBlock {
  readonly kind: 'data-block';
  readonly text: string;
}
export type PromptValue = string | DataBlock;

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(placeholderPattern)].map((match) => match[1] ?? '');
}

/** Splits and checks one prompt file: both parts present, only known placeholders, every required one used. */
export function parsePromptTemplate(role: PromptRole, text: string): Result<PromptTemplate, string> {
  const index = text.indexOf(userMarker);
  if (index < 0) return err(`${role}: missing the line ${userMarker} between system and user parts`);
  const system = text.slice(0, index).trim();
  const user = text.slice(index + userMarker.length).trim();
  if (system === '' || user === '') return err(`${role}: the system and the user parts must both be non-empty`);
  const used = new Set([...placeholdersOf(system), ...placeholdersOf(user)]);
  const rules = PromptPlaceholders[role];
  const unknown = [...used].filter((name) => !rules.allowed.includes(name));
  if (unknown.length > 0) return err(`${role}: unknown placeholder(s) ${unknown.map((name) => `{{${name}}}`).join(', ')}`);
  const missing = rules.required.filter((name) => !used.has(name));
  if (missing.length > 0) return err(`${role}: required placeholder(s) missing: ${missing.join(', ')}`);
  return ok({ system, user });
}

/**
 * Plain text we insert (states, action lists, model-written descriptions) cannot contain control characters, a
 * data-block delimiter or a placeholder, so it can neither fake a data block nor look like template syntax.
 */
export function escapeText(value: string): string {
  return withoutControls(value)
    .replace(/<{3,}/g, (run) => '‹'.repeat(run.length))
    .replace(/>{3,}/g, (run) => '›'.repeat(run.length))
    .replace(/\{\{/g, '{ {')
    .replace(/\}\}/g, '} }');
}

/** Control characters (other than tab and newline) and the Unicode line separators become spaces. */
function withoutControls(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    const control = (code < 0x20 && code !== 0x09 && code !== 0x0a) || code === 0x7f || code === 0x2028 || code === 0x2029;
    out += control ? ' ' : char;
  }
  return out;
}

export function renderPrompt(template: string, values: Readonly<Record<string, PromptValue>>): string {
  return template.replace(placeholderPattern, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new IraError(ErrorCodes.internal, `prompt placeholder {{${name}}} has no value`);
    }
    return typeof value === 'string' ? escapeText(value) : value.text;
  });
}
