import { createRequire } from 'node:module';
import { Script, constants } from 'node:vm';
import { pathToFileURL } from 'node:url';

/**
 * Loads an ESM-only package (node-llama-cpp) from our CommonJS build.
 *
 * Under `module: NodeNext` TypeScript keeps `import()` as a real dynamic import in CommonJS output, which works in
 * plain Node and ts-node. Jest runs test code inside a vm context whose `import()` fails with "A dynamic import
 * callback was invoked without --experimental-vm-modules"; only then the import is compiled as a vm Script bound to
 * Node's own loader (vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER, Node >= 20.12). In that case the module's objects
 * come from the main realm: callers must not rely on `instanceof Error` for what it throws.
 */
export async function importEsm<T>(specifier: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    if (!isMissingVmCallback(error)) throw error;
  }
  const url = pathToFileURL(createRequire(__filename).resolve(specifier)).href;
  const script = new Script('(url) => import(url)', {
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const load = script.runInThisContext() as (url: string) => Promise<T>;
  return load(url);
}

function isMissingVmCallback(error: unknown): boolean {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message.includes('experimental-vm-modules');
}
