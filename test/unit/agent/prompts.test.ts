import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPromptsDir, loadPromptSet } from '../../../src/adapters/prompts/load-prompts';
import { PromptPlaceholders, PromptRoles, parsePromptTemplate, placeholdersOf } from '../../../src/core/agent/prompt-template';

describe('prompt templates', () => {
  const directory = defaultPromptsDir();

  it('loads one template per role, each with a system and a user part', () => {
    const prompts = loadPromptSet(directory);
    expect(Object.keys(prompts).sort()).toEqual([...PromptRoles].sort());
    for (const role of PromptRoles) {
      expect(prompts[role].system.length).toBeGreaterThan(100);
      expect(prompts[role].user).toContain('{{');
      const used = [...placeholdersOf(prompts[role].system), ...placeholdersOf(prompts[role].user)];
      for (const name of PromptPlaceholders[role].required) expect(used).toContain(name);
    }
  });

  it('tells the model that delimited blocks are data wherever untrusted data goes in', () => {
    const prompts = loadPromptSet(directory);
    for (const role of PromptRoles) {
      if (!prompts[role].user.includes('{{evidence}}')) continue;
      expect(prompts[role].system).toMatch(/never instructions/);
    }
  });

  it('rejects a template with an unknown or a missing placeholder, or without the user marker', () => {
    expect(parsePromptTemplate('conjecture-test', 'System part\n<!-- user -->\n{{tactic}} {{secret}}')).toEqual({
      ok: false,
      error: 'conjecture-test: unknown placeholder(s) {{secret}}',
    });
    expect(parsePromptTemplate('state-prediction', 'System\n<!-- user -->\n{{state}}').ok).toBe(false);
    expect(parsePromptTemplate('conjecture-test', 'no marker {{tactic}}').ok).toBe(false);
    expect(parsePromptTemplate('conjecture-test', 'System\n<!-- user -->\nTactic: {{tactic}}')).toEqual({
      ok: true,
      value: { system: 'System', user: 'Tactic: {{tactic}}' },
    });
  });

  it('fails at load time with the file named when a template is broken', () => {
    const broken = mkdtempSync(join(tmpdir(), 'ira-prompts-'));
    for (const role of PromptRoles) writeFileSync(join(broken, `${role}.md`), readFileSync(join(directory, `${role}.md`), 'utf8'));
    writeFileSync(join(broken, 'action-generation.md'), 'only a system part {{state}} {{history}}');
    expect(() => loadPromptSet(broken)).toThrow(/action-generation\.md/);
  });
});
