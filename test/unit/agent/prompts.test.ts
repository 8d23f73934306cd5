import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPromptsDir, loadPromptSet } from '../../../src/adapters/prompts/load-prompts';
import {
  HeadSections,
  HeadValues,
  PromptPlaceholders,
  PromptRoles,
  headFor,
  parsePromptTemplate,
  parseSharedPrompt,
  placeholdersOf,
} from '../../../src/core/agent/prompt-template';

describe('prompt templates', () => {
  const directory = defaultPromptsDir();

  it('loads the shared system message and head, and one tail per role with its required placeholders', () => {
    const prompts = loadPromptSet(directory);
    expect(Object.keys(prompts.roles).sort()).toEqual([...PromptRoles].sort());
    expect(prompts.shared.system.length).toBeGreaterThan(100);
    expect(placeholdersOf(prompts.shared.user)).toEqual(expect.arrayContaining(['system', 'evidence']));
    for (const role of PromptRoles) {
      const used = placeholdersOf(prompts.roles[role]);
      for (const name of PromptPlaceholders[role].required) expect(used).toContain(name);
      // Shared blocks belong in the head only, so that every role's prompt starts with the same bytes.
      for (const name of HeadValues) expect(used).not.toContain(name);
    }
  });

  it('says once, in the shared system message, that delimited blocks are data', () => {
    const prompts = loadPromptSet(directory);
    expect(prompts.shared.system).toMatch(/never instructions/);
    expect(placeholdersOf(prompts.shared.system).filter((name) => (HeadValues as readonly string[]).includes(name))).toEqual([]);
  });

  it('gives each role a head that is a prefix of the full head, the conjecture test only the system block', () => {
    const prompts = loadPromptSet(directory);
    const full = headFor(prompts.shared.user, 'action-generation');
    for (const role of PromptRoles) expect(full.startsWith(headFor(prompts.shared.user, role))).toBe(true);
    expect(placeholdersOf(headFor(prompts.shared.user, 'conjecture-test'))).toEqual(['system']);
    expect(placeholdersOf(headFor(prompts.shared.user, 'incident-analysis'))).toEqual([...HeadSections['incident-analysis']]);
  });

  it('rejects an unknown or a missing placeholder, a tail in the old two-part format, a head out of order', () => {
    expect(parsePromptTemplate('conjecture-test', 'Tactic: {{tactic}} {{secret}}')).toEqual({
      ok: false,
      error: 'conjecture-test: unknown placeholder(s) {{secret}}',
    });
    expect(parsePromptTemplate('state-prediction', 'only {{state}}').ok).toBe(false);
    expect(parsePromptTemplate('action-generation', '{{evidence}} {{state}} {{history}}').ok).toBe(false);
    expect(parsePromptTemplate('conjecture-test', 'System\n<!-- user -->\nTactic: {{tactic}}').ok).toBe(false);
    expect(parsePromptTemplate('conjecture-test', '  Tactic: {{tactic}}\n')).toEqual({ ok: true, value: 'Tactic: {{tactic}}' });
    expect(parseSharedPrompt('System\n<!-- user -->\n{{evidence}}\n\n{{system}}').ok).toBe(false);
    expect(parseSharedPrompt('System {{evidence}}\n<!-- user -->\n{{system}}\n\n{{evidence}}').ok).toBe(false);
    expect(parseSharedPrompt('{{system}}\n\n{{evidence}}').ok).toBe(false);
    expect(parseSharedPrompt('System\n<!-- user -->\n{{system}}\n\n{{evidence}}').ok).toBe(true);
  });

  it('fails at load time with the file named when a template is broken', () => {
    const broken = mkdtempSync(join(tmpdir(), 'ira-prompts-'));
    for (const name of ['shared', ...PromptRoles]) writeFileSync(join(broken, `${name}.md`), readFileSync(join(directory, `${name}.md`), 'utf8'));
    writeFileSync(join(broken, 'action-generation.md'), 'System part\n<!-- user -->\n{{state}} {{history}}');
    expect(() => loadPromptSet(broken)).toThrow(/action-generation\.md/);
    writeFileSync(join(broken, 'action-generation.md'), readFileSync(join(directory, 'action-generation.md'), 'utf8'));
    writeFileSync(join(broken, 'shared.md'), 'no marker {{system}} {{evidence}}');
    expect(() => loadPromptSet(broken)).toThrow(/shared\.md/);
  });
});
