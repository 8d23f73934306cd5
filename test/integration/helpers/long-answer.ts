import { z } from 'zod';

/**
 * An answer schema no model can complete within a second or two: forty required parts of at least 40 characters
 * (grammars enforce both bounds), for tests that abort a call while it is generating. Not one long string: llama.cpp
 * refuses a grammar repetition in the thousands, and Ollama 0.17's runner then crashes (SIGSEGV) instead of answering.
 */
export const LongAnswer = z.object(
  Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`part${index + 1}`, z.string().min(40).max(60)])),
);
