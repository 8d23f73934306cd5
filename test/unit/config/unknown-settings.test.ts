import { loadConfig, unknownSettings } from '../../../src/config';

/** A mistyped or retired IRA_* variable is named, not ignored in silence; the scripts' own variables are not settings. */
describe('unknown settings', () => {
  it('names IRA_* variables that are no setting, and only those', () => {
    const environment = {
      IRA_LLM_MAX_TOKENS: '400',
      IRA_AGENT_CANDIDATE: '2',
      IRA_AGENT_CANDIDATES: '2',
      IRA_TEST_GGUF: '/x.gguf',
      IRA_CACHE: '/tmp/c',
      IRA_CONFIG_FILE: '',
      HOME: '/root',
    };
    expect(unknownSettings(environment)).toEqual(['IRA_AGENT_CANDIDATE', 'IRA_LLM_MAX_TOKENS']);
    expect(loadConfig(environment).agent.candidates).toBe(2);
  });

  it('a bad value still stops loading with a message naming the setting', () => {
    expect(() => loadConfig({ IRA_AGENT_CANDIDATES: 'many' })).toThrow(/IRA_AGENT_CANDIDATES/);
  });
});
