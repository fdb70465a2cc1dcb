#!/usr/bin/env node
// First step of `npm start`, `npm run demo`, `npm run vir` and `npm run bench` on any machine:
// install the locked dependencies when they are missing or stale, then compile (incremental).
// Plain JavaScript on purpose: it runs before any dependency exists.
'use strict';
const { execSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const quiet = process.argv.includes('--quiet');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });

const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  if (!quiet) console.log('Installing dependencies (npm ci)…');
  run('npm ci --no-audit --no-fund');
}
run('npm run -s build');
