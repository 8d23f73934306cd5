import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';

// The build below runs the TypeScript compiler over src/ once: bounded, but well past the unit default.
jest.setTimeout(240_000);

/**
 * No Docker engine runs on these machines, so the Dockerfile's build stage is replayed here: its COPY steps copy
 * the same paths from the repository into an empty folder (the image's WORKDIR), then its build command runs
 * there. Two departures from `docker build`, both on purpose: `npm ci` is replaced by a link to the repository's
 * node_modules (a registry install takes minutes and needs the network), and `npm prune` is not run (it would
 * delete dev dependencies from the repository's node_modules through that link). What the build can see is
 * otherwise exactly what the Dockerfile copies, so a source directory it forgets (as mappings/ once was) fails here.
 */
const ROOT = join(__dirname, '..', '..', '..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions with `\` continuations joined, comments dropped, grouped by FROM. */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = rest;
      stages.push({ from: image.replace(/\$\{(\w+)\}/g, (_m, key: string) => args.get(key) ?? ''), instructions: [], ...(as?.toUpperCase() === 'AS' && name ? { name } : {}) });
    } else if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [key = '', value = ''] = instruction.args.split('=');
      args.set(key, value);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** A COPY's sources and destination (`--from=stage` kept apart); JSON-array form is not used in this Dockerfile. */
function copyStep(instruction: Instruction): { from?: string; sources: string[]; destination: string } {
  const parts = instruction.args.split(/\s+/);
  const from = parts.find((part) => part.startsWith('--from='))?.slice('--from='.length);
  const paths = parts.filter((part) => !part.startsWith('--'));
  const destination = paths.pop() ?? '';
  return { ...(from === undefined ? {} : { from }), sources: paths, destination };
}

const { stages } = parseDockerfile(dockerfile);
const build = stages.find((stage) => stage.name === 'build');
const runtime = stages.at(-1);

describe('Dockerfile', () => {
  test('two stages on a pinned current Node LTS image, non-root, with a health check on /healthz', () => {
    expect(stages).toHaveLength(2);
    for (const stage of stages) expect(stage.from).toMatch(/^node:(22|24)(\.\d+){0,2}-bookworm-slim$/);
    const keywords = runtime?.instructions.map((instruction) => instruction.keyword) ?? [];
    expect(keywords).toContain('HEALTHCHECK');
    expect(dockerfile).toMatch(/HEALTHCHECK[^\n]*\\\n\s+CMD \["node", "-e", "fetch\('http:\/\/127\.0\.0\.1:'\+\(process\.env\.IRA_HTTP_PORT\|\|'8080'\)\+'\/healthz'/);
    expect(dockerfile).toMatch(/IRA_HTTP_HOST=0\.0\.0\.0/);
    const user = runtime?.instructions.filter((instruction) => instruction.keyword === 'USER').map((instruction) => instruction.args);
    expect(user).toEqual(['ira']);
    // The model cache the image's `ira model pull` writes to is the one the config reads, and the user owns it.
    expect(dockerfile).toMatch(/IRA_MODEL_DIR=\/var\/cache\/ira\/models/);
    expect(dockerfile).toMatch(/chown -R ira:ira \/var\/cache\/ira/);
    expect(readFileSync(join(ROOT, 'src', 'config.ts'), 'utf8')).toContain('IRA_MODEL_DIR');
  });

  test('the runtime stage carries the model-pull script and its lock, and its build-context COPY sources exist', () => {
    const copies = (runtime?.instructions ?? []).filter((instruction) => instruction.keyword === 'COPY').map(copyStep);
    const fromContext = copies.filter((copy) => copy.from === undefined).flatMap((copy) => copy.sources);
    expect(fromContext).toEqual(expect.arrayContaining(['scripts/fetch-model.sh', 'scripts/model-lock.json', 'mappings', 'prompts', 'connectors']));
    for (const source of fromContext) expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    for (const source of fromContext) expect(ignored).not.toContain(source);
  });

  test('the build stage builds in an empty folder holding only what it copies, and yields what the runtime stage copies', () => {
    if (build === undefined) throw new Error('no stage named build');
    const workdir = mkdtempSync(join(tmpdir(), 'ira-docker-build-'));
    try {
      let ranBuild = false;
      for (const instruction of build.instructions) {
        if (instruction.keyword === 'COPY') {
          const { sources, destination } = copyStep(instruction);
          for (const source of sources) {
            const target = destination.endsWith('/') ? join(workdir, destination, source.split('/').at(-1) ?? '') : join(workdir, destination);
            mkdirSync(dirname(target), { recursive: true });
            cpSync(join(ROOT, source), normalize(target), { recursive: true });
          }
        } else if (instruction.keyword === 'RUN' && instruction.args.startsWith('npm ci')) {
          symlinkSync(join(ROOT, 'node_modules'), join(workdir, 'node_modules'), 'dir');
        } else if (instruction.keyword === 'RUN') {
          expect(instruction.args).toMatch(/^npm run build( |$)/);
          execFileSync('npm', ['run', 'build'], { cwd: workdir, stdio: 'pipe', timeout: 220_000 });
          ranBuild = true;
        }
      }
      expect(ranBuild).toBe(true);
      const fromBuild = (runtime?.instructions ?? []).filter((instruction) => instruction.keyword === 'COPY').map(copyStep).filter((copy) => copy.from === 'build');
      expect(fromBuild.flatMap((copy) => copy.sources)).toEqual(['/app/node_modules', '/app/dist']);
      for (const source of fromBuild.flatMap((copy) => copy.sources)) expect(existsSync(join(workdir, source.replace(/^\/app\//, '')))).toBe(true);
      // The entry point the image runs, and the JSON templates the store adapter imports, are in the output.
      expect(existsSync(join(workdir, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
      expect(existsSync(join(workdir, 'dist', 'mappings', 'ira-alerts.json'))).toBe(true);
    } catch (error) {
      const output = error as { stdout?: Buffer; stderr?: Buffer };
      const detail = `${output.stdout?.toString() ?? ''}${output.stderr?.toString() ?? ''}`.slice(-3000);
      throw new Error(`${String(error)}\n${detail}`);
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  });
});
