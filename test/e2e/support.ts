/**
 * Shared steps of the end-to-end tests: a recorder of the traveller phases the page went through,
 * axe scans with screenshots, waiting for a phase, staff sign-in.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ARTIFACTS, keepScreenshot, launchBrowser } from './browser.js';
import { startKiosk, type KioskServer } from './server.js';
import { RECORDER, type Seen } from './recorder.js';

export { RECORDER, type PhaseMark, type Seen } from './recorder.js';

export const PASSWORDS: Record<string, string> = {
  supervisor: 'demo-supervisor-pass',
  officer1: 'demo-officer1-pass',
  officer2: 'demo-officer2-pass',
  tech: 'demo-tech-pass',
};

export async function newKioskPage(browser: Browser, opts: { width?: number; height?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 }, reducedMotion: 'reduce' });
  await context.addInitScript(RECORDER);
  const page = await context.newPage();
  return { context, page };
}

/**
 * Routes the page's WebSocket to the browser host through Playwright so that the host's messages
 * can be held back for a moment: the screen then stays as it is (a real DOM, rendered by the app)
 * while it is scanned, even when the kiosk would move on (the 3 s timeout warning). Install
 * before page.goto.
 */
export async function holdableHost(page: Page): Promise<{ hold(): void; release(): void }> {
  let holding = false;
  const held: (() => void)[] = [];
  await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      if (holding) held.push(() => ws.send(m));
      else ws.send(m);
    });
  });
  return {
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const f of held.splice(0)) f();
    },
  };
}

/** What the recorder (RECORDER) saw in the page so far. */
export async function seen(page: Page): Promise<Seen> {
  return page.evaluate<Seen>('window.__kioskSeen ?? { phases: [], testIds: {}, views: [], spoken: [] }');
}

export async function waitPhase(page: Page, phase: string | string[], timeout = 60_000): Promise<string> {
  const phases = Array.isArray(phase) ? phase : [phase];
  const sel = phases.map((p) => `main.screen[data-phase="${p}"]`).join(', ');
  const el = await page.waitForSelector(sel, { timeout });
  return (await el.getAttribute('data-phase')) ?? '';
}

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * Keeps a screenshot of the screen (test-results/e2e/NAME.png) and runs axe with the WCAG 2.0 A,
 * 2.0 AA, 2.1 AA and 2.2 AA rules; returns the serious and critical violations.
 */
export async function screenAndAxe(page: Page, name: string, include?: string): Promise<AxeFinding[]> {
  await keepScreenshot(page, name);
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']);
  if (include) builder = builder.include(include);
  const r = await builder.analyze();
  if (r.passes.length === 0) throw new Error(`axe on ${name} checked nothing (no rule passed): the scan did not run on the screen`);
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/**
 * The traveller's controls that are smaller than 44 × 44 CSS px (the minimum touch
 * target; axe's WCAG 2.2 target-size rule asks only 24 px).
 */
export async function smallTouchTargets(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('.traveller button, .traveller a[href], .traveller input, .traveller select')]
    .filter((el) => el.getClientRects().length > 0)
    .map((el) => [el, el.getBoundingClientRect()])
    .filter(([, r]) => r.width < 44 || r.height < 44)
    .map(([el, r]) => (el.getAttribute('data-testid') || el.textContent.trim()).slice(0, 40) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))`);
}

/**
 * Asserts zero serious or critical axe violations on the screen (naming them when there are) and,
 * on traveller screens, touch targets of at least 44 px.
 */
export async function expectAccessible(page: Page, name: string, include?: string): Promise<void> {
  const found = await screenAndAxe(page, name, include);
  expect(found, `axe on ${name}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
  expect(await smallTouchTargets(page), `touch targets under 44 px on ${name}`).toEqual([]);
}

export async function signIn(page: Page, url: string, username: string, opts: { scanAs?: string } = {}): Promise<void> {
  await page.goto(`${url}/#staff`);
  await page.waitForSelector('input[name=username]');
  if (opts.scanAs) await expectAccessible(page, opts.scanAs);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORDS[username]!);
  await page.click('[data-testid=sign-in]');
  await page.waitForSelector('[data-testid=signed-in-as]');
}

/** The traveller's way from the welcome screen to the placement guidance. */
export async function startToPlace(page: Page): Promise<void> {
  await waitPhase(page, 'welcome');
  await page.click('[data-testid=start]');
  await waitPhase(page, 'notice');
  await page.click('[data-testid=accept-notice]');
}

function safeName(s: string): string {
  return s.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120);
}

/**
 * On a failed test, keeps a screenshot of each page given and the server's standard error in
 * test-results/e2e/ (FAILED-<test>-<n>.png, FAILED-<test>.stderr.txt). Call in a describe block.
 */
export function keepArtifactsOnFailure(current: () => { server?: KioskServer | null; pages?: (Page | null | undefined)[] }): void {
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const name = `FAILED-${safeName(ctx.task.name)}`;
    mkdirSync(ARTIFACTS, { recursive: true });
    const { server, pages } = current();
    if (server) writeFileSync(path.join(ARTIFACTS, `${name}.stderr.txt`), server.stderr());
    let i = 0;
    for (const p of pages ?? []) {
      if (!p || p.isClosed()) continue;
      await keepScreenshot(p, `${name}-${i++}`).catch(() => undefined);
    }
  });
}

/**
 * One kiosk server and one browser for a test file: started before its tests, stopped after,
 * with a screenshot of every open page and the server's log kept when a test fails.
 * `open()` gives a fresh page in a browser context of its own (another person at the kiosk).
 */
export function kioskSuite(opts: Parameters<typeof startKiosk>[0]): { readonly server: KioskServer; open(): Promise<Page> } {
  let server: KioskServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const pages: Page[] = [];
  beforeAll(async () => {
    [server, browser] = await Promise.all([startKiosk(opts), launchBrowser()]);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });
  keepArtifactsOnFailure(() => ({ server: server ?? null, pages }));
  return {
    get server(): KioskServer {
      if (!server) throw new Error('the kiosk server is not started');
      return server;
    },
    async open(): Promise<Page> {
      const { context, page } = await newKioskPage(browser!);
      contexts.push(context);
      pages.push(page);
      return page;
    },
  };
}
