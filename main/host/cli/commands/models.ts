import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../../base/errors.js';
import { verifyModels } from '../../../checks/index.js';
import { optString, parseArgs } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * The models folder: --models-dir, else KIOSK_MODELS_DIR, else the `models` folder of the checkout
 * or package this file belongs to (found by walking up to the folder holding models/manifest.json).
 */
export function resolveModelsDir(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  if (explicit) return path.resolve(explicit);
  if (env.KIOSK_MODELS_DIR) return path.resolve(env.KIOSK_MODELS_DIR);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(path.join(dir, 'models', 'manifest.json'))) return path.join(dir, 'models');
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve('models');
}

/**
 * `kiosk models verify [--models-dir DIR]`: checks every model of models/manifest.json (present,
 * sha256, loadable by ONNX Runtime) and prints
 * `{"modelsDir", "manifest": "ok"|"invalid", "models": [{"id", "file", "version", "status": "ok"|"missing"|"checksum-mismatch"|"load-error"|"not-in-manifest", ...}], "ok"}`.
 * Exit 0 when every model is ok, 1 otherwise, 2 on a usage error.
 */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, { 'models-dir': { type: 'string' } });
  const [sub, ...rest] = args.positionals;
  if (sub !== 'verify' || rest.length > 0) throw new UsageError('BAD_SUBCOMMAND', 'usage: kiosk models verify [--models-dir DIR]');
  const report = await verifyModels(resolveModelsDir(optString(args, 'models-dir'), ctx.env));
  printJson(ctx, report);
  return report.ok ? EXIT.OK : EXIT.INVALID_DOCUMENT;
}
