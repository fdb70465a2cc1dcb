#!/usr/bin/env node
// First step of `npm start`, `npm run demo`, `npm run vir` and `npm run bench` on any machine:
// install the locked dependencies when they are missing or stale, then compile (incremental).
// Plain JavaScript on purpose: it runs before any dependency exists.
'use strict';
const { execSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const quiet = process.argv.includes('--quiet');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });

// Stale = the lockfile's content changed since the last install (a hash, not mtimes: a fresh
// checkout or worktree has new mtimes but the same dependencies).
const installed = join(root, 'node_modules', '.package-lock.json');
const marker = join(root, 'node_modules', '.vir-lock-sha256');
const lock = join(root, 'package-lock.json');
const lockHash = createHash('sha256').update(readFileSync(lock)).digest('hex');
const current = existsSync(marker)
  ? readFileSync(marker, 'utf8').trim() === lockHash
  : existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs; // installs from before the marker
if (!current) {
  if (!quiet) console.log('Installing dependencies (npm ci)…');
  run('npm ci --no-audit --no-fund');
}
writeFileSync(marker, `${lockHash}\n`);
run('npm run -s build');
