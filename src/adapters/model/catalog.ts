/**
 * GGUF models `ira model pull` tries first, best first. Pinned by repository revision, byte size and sha256, so a
 * download is either exactly this file or rejected. Each needs about its size in RAM plus the KV cache.
 */
export interface CatalogModel {
  readonly id: string;
  readonly description: string;
  readonly url: string;
  readonly fileName: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly license: string;
}

export const modelCatalog: readonly CatalogModel[] = [
  {
    id: 'qwen2.5-1.5b-instruct-q4_k_m',
    description: 'Qwen2.5 1.5B Instruct, Q4_K_M: small enough for a 2-core CPU, follows JSON instructions well',
    url:
      'https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/91cad51170dc346986eccefdc2dd33a9da36ead9/' +
      'qwen2.5-1.5b-instruct-q4_k_m.gguf',
    fileName: 'qwen2.5-1.5b-instruct-q4_k_m.gguf',
    sizeBytes: 1_117_320_736,
    sha256: '6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e',
    license: 'Apache-2.0',
  },
];
