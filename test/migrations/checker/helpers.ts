import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The session settings every safe migration starts with (squawk's require-lock-timeout / require-statement-timeout). */
export const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n";

/** The reference migration history (three expand releases), shared with the CLI tests. */
export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/migrations');

/** Writes migration files into a fresh temporary directory and returns its path. */
export function migrationsDir(files: Readonly<Record<string, string>>, root = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'))): string {
  fs.mkdirSync(root, { recursive: true });
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(root, name), sql);
  return root;
}

/** The files of a fixture directory, by name. */
export function fixtureFiles(name: string): Record<string, string> {
  const dir = path.join(FIXTURES, name);
  return Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** A throwaway git repository with a committed first release. */
export class TempRepo {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-repo-'));

  constructor() {
    this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    return execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: this.root, encoding: 'utf8' });
  }

  /** Writes files (paths relative to the repository root). */
  write(files: Readonly<Record<string, string>>): void {
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(this.root, file)), { recursive: true });
      fs.writeFileSync(path.join(this.root, file), text);
    }
  }

  remove(file: string): void {
    fs.rmSync(path.join(this.root, file));
  }

  commit(message: string): void {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
  }

  path(...parts: string[]): string {
    return path.join(this.root, ...parts);
  }
}

/** A Deployment manifest using the database, as the synth writes it. */
export function deployment(name: string, image: string, annotations: Record<string, string> = {}): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    '  namespace: bank-prod',
    ...(Object.keys(annotations).length ? ['  annotations:', ...Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"`)] : []),
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    `        - name: app`,
    `          image: ${image}`,
    '',
  ].join('\n');
}
