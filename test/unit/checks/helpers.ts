import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const MODELS_DIR = path.join(ROOT, 'models');
export const FIXTURES = path.join(ROOT, 'test/fixtures/pages');

/** A private copy of the models folder that a test may damage. */
export function copyModels(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kiosk-models-'));
  cpSync(MODELS_DIR, dir, { recursive: true });
  return dir;
}
