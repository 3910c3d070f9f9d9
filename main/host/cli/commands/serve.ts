import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../../base/errors.js';
import { loadConfig } from '../../config.js';
import { createBackendForHost } from '../../web/compose.js';
import { bufferedLogger } from '../../web/log-buffer.js';
import { startWebHost } from '../../web/server.js';
import { optFlag, optNumber, optString, parseArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const rendererDir = path.join(repoRoot, 'renderer');
const distDir = path.join(rendererDir, 'dist');
const DEFAULT_PORT = 4780;

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestMtime(p));
    else t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the renderer when its sources are newer than the build (in a checkout; a package ships the build). */
function ensureRendererBuilt(ctx: CliContext): void {
  const src = path.join(rendererDir, 'src');
  const index = path.join(distDir, 'index.html');
  if (!existsSync(src)) return;
  const stale = !existsSync(index) || Math.max(newestMtime(src), statSync(path.join(rendererDir, 'index.html')).mtimeMs) > statSync(index).mtimeMs;
  if (!stale) return;
  ctx.stderr('building the UI (renderer)…');
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', path.join(rendererDir, 'vite.config.ts')], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new UsageError('RENDERER_BUILD_FAILED', 'the UI could not be built (vite build failed)');
}

function openChromium(url: string, ctx: CliContext): void {
  const display = ctx.env.DISPLAY || ctx.env.WAYLAND_DISPLAY;
  const bin = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((b) => existsSync(b));
  if (!display || !bin || ctx.env.CI) return;
  const child = spawn(bin, [`--app=${url}`, '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'], {
    stdio: 'ignore',
    detached: true,
  });
  child.on('error', () => undefined);
  child.unref();
}

/**
 * `kiosk serve [--port N] [--no-open] [--scenario S] [--ui-timeout-ms N --ui-warn-ms N]`:
 * the browser host. Serves the UI and the contract on 127.0.0.1 only, on real serial devices
 * when KIOSK_CONFIG names them and on the simulators (over pty pairs) otherwise. Prints
 * `Kiosk UI at http://127.0.0.1:PORT` on standard output; runs until stopped.
 */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, {
    port: { type: 'string', integer: true },
    'no-open': { type: 'boolean' },
    scenario: { type: 'string' },
    'ui-timeout-ms': { type: 'string', integer: true },
    'ui-warn-ms': { type: 'string', integer: true },
  });
  const config = await loadConfig(ctx.configPath);
  const scenario = optString(a, 'scenario');
  if (scenario) {
    const { SIMULATION_SCENARIOS } = await import('../../config.js');
    if (!(SIMULATION_SCENARIOS as readonly string[]).includes(scenario)) throw new UsageError('BAD_SCENARIO', `--scenario: one of ${SIMULATION_SCENARIOS.join(', ')}`);
    config.simulation = { ...config.simulation, scenario: scenario as (typeof SIMULATION_SCENARIOS)[number] };
  }
  ensureRendererBuilt(ctx);
  const { log, lines } = bufferedLogger('kiosk');
  const uiTimeout = optNumber(a, 'ui-timeout-ms');
  const uiWarn = optNumber(a, 'ui-warn-ms');
  const host = await createBackendForHost({
    log,
    logLines: lines,
    dataDir: ctx.dataDir,
    config,
    ...(uiTimeout !== undefined ? { frontTimeouts: { preSessionMs: uiTimeout, ...(uiWarn !== undefined ? { warnBeforeMs: uiWarn } : {}) } } : {}),
  });
  const envPort = ctx.env.KIOSK_PORT ? Number(ctx.env.KIOSK_PORT) : undefined;
  if (envPort !== undefined && (!Number.isInteger(envPort) || envPort < 0 || envPort > 65535)) throw new UsageError('BAD_PORT', 'KIOSK_PORT must be a port number');
  const wanted = optNumber(a, 'port') ?? envPort;
  let web;
  try {
    web = await startWebHost({ backend: host.backend, staticDir: distDir, port: wanted ?? DEFAULT_PORT, log });
  } catch (e) {
    if (wanted !== undefined) {
      await host.close();
      throw new UsageError('PORT_IN_USE', `port ${wanted} is not free: ${e instanceof Error ? e.message : String(e)}`);
    }
    web = await startWebHost({ backend: host.backend, staticDir: distDir, port: 0, log });
  }
  ctx.stdout(`Kiosk UI at ${web.url}`);
  ctx.stderr(host.devices.simulated ? 'Running on simulated devices (no device configured in KIOSK_CONFIG).' : 'Running on the configured serial devices.');
  if (!optFlag(a, 'no-open')) openChromium(web.url, ctx);

  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await web.close();
  await host.close();
  return EXIT.OK;
}
