import { ErrorCodes, IraError } from '../../errors';
import { err, ok, type Result } from '../result';

/**
 * Prompt templates live in prompts/*.md (read once by src/adapters/prompts). `shared.md` holds the system message
 * every call gets, a line `<!-- user -->`, then the head of every user message: the shared blocks (system
 * description, evidence digest, entities, feedback, analysis, conjecture), one paragraph each. `<role>.md` holds
 * that role's instructions and its varying values (state, history, action…), appended after the head. So all calls
 * of a step share the system message and the head byte for byte, and differ only in their tails (prefix reuse).
 * A role sees the head's paragraphs up to the last one it may see (`HeadSections`): the incident analysis comes
 * before there is an analysis, and the conjecture test must not see the evidence it is tested against.
 * `{{name}}` placeholders are filled in one pass by `renderPrompt`, so inserted text is never expanded again.
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
/** The shared system message and head, and each role's tail. */
export interface PromptSet {
  readonly shared: PromptTemplate;
  readonly roles: Readonly<Record<PromptRole, string>>;
}

const common = ['stateGloss', 'actionKinds', 'tactics'];
export const HeadValues = ['system', 'evidence', 'entities', 'feedback', 'incident', 'conjecture'] as const;
export type HeadValue = (typeof HeadValues)[number];

/** The head's values each role sees; always a prefix of HeadValues, so the heads of all roles nest. */
export const HeadSections: Readonly<Record<PromptRole, readonly HeadValue[]>> = {
  'conjecture-test': ['system'],
  'incident-analysis': ['system', 'evidence', 'entities', 'feedback'],
  'conjecture-revision': HeadValues,
  'action-generation': HeadValues,
  'state-prediction': HeadValues,
};

export const SharedPlaceholders = { allowed: [...common, ...HeadValues], required: ['system', 'evidence'] } as const;
export const PromptPlaceholders: Readonly<Record<PromptRole, { allowed: readonly string[]; required: readonly string[] }>> = {
  'incident-analysis': { allowed: [...common, 'state', 'history'], required: ['state'] },
  // `effects`: what each action kind achieves (action-effects.ts), the definition the evaluator's judge uses too.
  'state-prediction': { allowed: [...common, 'state', 'history', 'action', 'effects'], required: ['state', 'action', 'effects'] },
  'action-generation': { allowed: [...common, 'state', 'history'], required: ['state', 'history'] },
  'conjecture-test': { allowed: [...common, 'tactic', 'signatureFormat'], required: ['tactic'] },
  'conjecture-revision': { allowed: [...common, 'failed', 'observed'], required: ['failed', 'observed'] },
};

export const userMarker = '<!-- user -->';
const placeholderPattern = /\{\{([a-zA-Z]+)\}\}/g;

/** A block of untrusted data already delimited and escaped by `wrapData`; inserted verbatim. */
export interface DataBlock {
  readonly kind: 'data-block';
  readonly text: string;
}
export type PromptValue = string | DataBlock;

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(placeholderPattern)].map((match) => match[1] ?? '');
}

function checkPlaceholders(
  name: string,
  used: ReadonlySet<string>,
  rules: { readonly allowed: readonly string[]; readonly required: readonly string[] },
): string | null {
  const unknown = [...used].filter((placeholder) => !rules.allowed.includes(placeholder));
  if (unknown.length > 0) return `${name}: unknown placeholder(s) ${unknown.map((placeholder) => `{{${placeholder}}}`).join(', ')}`;
  const missing = rules.required.filter((placeholder) => !used.has(placeholder));
  if (missing.length > 0) return `${name}: required placeholder(s) missing: ${missing.join(', ')}`;
  return null;
}

/** The head's paragraphs (separated by blank lines). */
function headParagraphs(head: string): string[] {
  return head.split(/\n[ \t]*\n/).filter((paragraph) => paragraph.trim() !== '');
}

/**
 * Splits and checks shared.md: both parts, only known placeholders, the required ones, and head paragraphs in the
 * order of HeadValues with at most one head value each (so every role's head is a prefix of the full head).
 */
export function parseSharedPrompt(text: string): Result<PromptTemplate, string> {
  const index = text.indexOf(userMarker);
  if (index < 0) return err(`shared: missing the line ${userMarker} between the system message and the head`);
  const system = text.slice(0, index).trim();
  const user = text.slice(index + userMarker.length).trim();
  if (system === '' || user === '') return err('shared: the system message and the head must both be non-empty');
  const problem = checkPlaceholders('shared', new Set([...placeholdersOf(system), ...placeholdersOf(user)]), SharedPlaceholders);
  if (problem !== null) return err(problem);
  if (HeadValues.some((name) => placeholdersOf(system).includes(name))) return err('shared: data blocks belong in the head, not the system message');
  let last = -1;
  for (const paragraph of headParagraphs(user)) {
    const positions = placeholdersOf(paragraph)
      .map((name) => HeadValues.indexOf(name as HeadValue))
      .filter((position) => position >= 0);
    if (positions.length > 1) return err('shared: one head value per paragraph');
    const position = positions[0];
    if (position === undefined) continue;
    if (position < last) return err(`shared: head paragraphs must follow the order ${HeadValues.join(', ')}`);
    last = position;
  }
  return ok({ system, user });
}

/** Checks one role's tail: non-empty, no user marker (the old two-part format), known and required placeholders. */
export function parsePromptTemplate(role: PromptRole, text: string): Result<string, string> {
  const tail = text.trim();
  if (tail === '') return err(`${role}: empty`);
  if (tail.includes(userMarker)) return err(`${role}: a role file holds only its instructions and values; the system message is in shared.md`);
  const problem = checkPlaceholders(role, new Set(placeholdersOf(tail)), PromptPlaceholders[role]);
  return problem === null ? ok(tail) : err(problem);
}

/** The head for one role: the paragraphs whose head values the role sees (and those with none), in file order. */
export function headFor(head: string, role: PromptRole): string {
  const visible = new Set<string>(HeadSections[role]);
  const kept = headParagraphs(head).filter((paragraph) =>
    placeholdersOf(paragraph).every((name) => !HeadValues.includes(name as HeadValue) || visible.has(name)),
  );
  return kept.join('\n\n');
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
