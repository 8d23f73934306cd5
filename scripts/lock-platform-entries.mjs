#!/usr/bin/env node
// The package registry this project is built against does not serve node-llama-cpp's macOS, Windows and riscv64
// prebuilt packages, so `npm install` leaves them out of package-lock.json and `npm ci` then refuses the lock as
// out of sync. They are optional and never installed on linux-x64; recording them (without an integrity hash, which
// cannot be had here) keeps the lock complete. Run after any `npm install` that rewrites the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const PLATFORMS = {
  'linux-riscv64': { os: ['linux'], cpu: ['riscv64'], libc: ['glibc'] },
  'mac-arm64-metal': { os: ['darwin'], cpu: ['arm64', 'x64'] },
  'mac-x64': { os: ['darwin'], cpu: ['x64'] },
  'win-arm64': { os: ['win32'], cpu: ['arm64', 'x64'] },
  'win-x64': { os: ['win32'], cpu: ['x64'] },
  'win-x64-cuda': { os: ['win32'], cpu: ['x64'] },
  'win-x64-cuda-ext': { os: ['win32'], cpu: ['x64'] },
  'win-x64-vulkan': { os: ['win32'], cpu: ['x64'] },
};

const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const version = lock.packages['node_modules/node-llama-cpp']?.version;
if (!version) throw new Error('node-llama-cpp is not in package-lock.json');
let added = 0;
for (const [name, fields] of Object.entries(PLATFORMS)) {
  const key = `node_modules/@node-llama-cpp/${name}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = { version, ...fields, license: 'MIT', optional: true, engines: { node: '>=20.0.0' } };
  added += 1;
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform entr${added === 1 ? 'y' : 'ies'} added`);
