/**
 * UI benchmark (prints, asserts nothing), through `kiosk serve` on the simulators and Debian Chromium:
 *  - start to first screen: from spawning `kiosk serve` (fresh data directory: database, keys and
 *    the demo accounts are created) to its URL line, and on to the welcome screen rendered in the
 *    page (main.screen[data-phase=welcome] present, then one frame painted);
 *  - renderer memory: JS heap used (CDP Performance.getMetrics, after a forced GC) and DOM nodes,
 *    on the welcome screen, after traveller sessions, and on the officer case view;
 *  - decision to screen, measured in the page: from the traveller.view event with phase clear/refer
 *    arriving on the WebSocket to the result screen in the DOM and painted, and from the last
 *    'checking' screen to the result painted (that one includes the core's checks and decision).
 * `npm run bench -- ui`. Sessions: KIOSK_BENCH_UI_SESSIONS (default 5); starts: KIOSK_BENCH_UI_STARTS (default 3).
 */
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/browser.js';
import { RECORDER, type Seen } from '../e2e/recorder.js';
import { startKiosk, type KioskServer } from '../e2e/server.js';

interface Stat {
  n: number;
  mean: number;
  p50: number;
  max: number;
  min: number;
}

function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { n: 0, mean: NaN, p50: NaN, max: NaN, min: NaN };
  return { n, mean: s.reduce((a, b) => a + b, 0) / n, p50: s[Math.floor((n - 1) / 2)]!, max: s[n - 1]!, min: s[0]! };
}

function line(name: string, xs: number[], unit = 'ms', digits = 1): void {
  const s = stat(xs);
  console.log(
    `${name.padEnd(52)} n=${String(s.n).padStart(3)}  p50 ${s.p50.toFixed(digits)} ${unit}  mean ${s.mean.toFixed(digits)}  min ${s.min.toFixed(digits)}  max ${s.max.toFixed(digits)}`,
  );
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(RECORDER);
  return context.newPage();
}

async function memory(cdp: CDPSession): Promise<{ heapUsedMiB: number; heapTotalMiB: number; nodes: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = new Map(metrics.map((x) => [x.name, x.value]));
  return { heapUsedMiB: (m.get('JSHeapUsedSize') ?? NaN) / 2 ** 20, heapTotalMiB: (m.get('JSHeapTotalSize') ?? NaN) / 2 ** 20, nodes: m.get('Nodes') ?? NaN };
}

function printMemory(name: string, m: { heapUsedMiB: number; heapTotalMiB: number; nodes: number }): void {
  console.log(`${('renderer memory, ' + name).padEnd(52)} JS heap used ${m.heapUsedMiB.toFixed(2)} MiB (total ${m.heapTotalMiB.toFixed(2)} MiB), DOM nodes ${m.nodes}`);
}

const afterPaint = `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))`;

export default async function uiBench(): Promise<void> {
  const starts = Number(process.env.KIOSK_BENCH_UI_STARTS ?? 3);
  const sessions = Number(process.env.KIOSK_BENCH_UI_SESSIONS ?? 5);
  const browser = await launchBrowser();
  let server: KioskServer | null = null;
  try {
    // 1. Start to first screen (the renderer build is made up to date first, outside the timing).
    const toUrl: number[] = [];
    const toScreen: number[] = [];
    const navToScreen: number[] = [];
    const fcp: number[] = [];
    let page: Page | null = null;
    for (let i = 0; i < starts; i++) {
      if (server) await server.stop();
      if (page) await page.context().close();
      server = await startKiosk({ scenario: 'genuine', config: { simulation: { placeDelayMs: 100 } } });
      page = await newPage(browser);
      const navStart = performance.now();
      await page.goto(server.url);
      await page.waitForSelector('main.screen[data-phase="welcome"]');
      await page.evaluate(afterPaint);
      const done = performance.now();
      if (i === 0 && starts > 1) continue; // the first start may rebuild the renderer: not counted
      toUrl.push(server.startMs);
      toScreen.push(done - server.spawnedAt);
      navToScreen.push(done - navStart);
      const paint = await page.evaluate<number | null>(`(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? null`);
      if (paint !== null) fcp.push(paint);
    }
    if (starts > 1) console.log('(first start not counted: it may build the renderer)');
    line('start: spawn `kiosk serve` → URL printed', toUrl);
    line('start: spawn → welcome screen painted in Chromium', toScreen);
    line('start: page.goto → welcome screen painted', navToScreen);
    line('start: first-contentful-paint (page timing)', fcp);

    // 2. Memory on the welcome screen.
    const cdp = await page!.context().newCDPSession(page!);
    await cdp.send('Performance.enable');
    printMemory('welcome screen', await memory(cdp));

    // 3. Decision to screen, over whole traveller sessions on the simulators.
    const eventToDom: number[] = [];
    const eventToPaint: number[] = [];
    const checkingToPaint: number[] = [];
    const sessionMs: number[] = [];
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < sessions; i++) {
      await page!.evaluate(`(window.__kioskSeen.phases.length = 0, window.__kioskSeen.views.length = 0)`);
      const t0 = performance.now();
      await page!.click('[data-testid=start]');
      await page!.waitForSelector('main.screen[data-phase="notice"]');
      await page!.click('[data-testid=accept-notice]');
      const el = await page!.waitForSelector('main.screen[data-phase="clear"], main.screen[data-phase="refer"]', { timeout: 120_000 });
      const result = (await el.getAttribute('data-phase'))!;
      await page!.evaluate(afterPaint);
      sessionMs.push(performance.now() - t0);
      outcomes[result] = (outcomes[result] ?? 0) + 1;
      const s = await page!.evaluate<Seen>('window.__kioskSeen');
      const shown = s.phases.find((p) => p.phase === result);
      const arrived = s.views.find((v) => v.phase === result);
      const checking = [...s.phases].reverse().find((p) => p.phase === 'checking' && (!shown || p.t <= shown.t));
      if (shown && arrived) eventToDom.push(shown.t - arrived.t);
      if (shown?.painted != null && arrived) eventToPaint.push(shown.painted - arrived.t);
      if (shown?.painted != null && checking) checkingToPaint.push(shown.painted - checking.t);
      if (result !== 'clear') break; // a REFER stays on screen for the officer: no next traveller
      await page!.click('[data-testid=result-clear] button');
      await page!.waitForSelector('main.screen[data-phase="welcome"]');
    }
    console.log(`sessions: ${Object.entries(outcomes).map(([k, v]) => `${v} ${k}`).join(', ')}`);
    line('decision: view event arrived → result in the DOM', eventToDom, 'ms', 2);
    line('decision: view event arrived → result painted', eventToPaint, 'ms', 2);
    line('decision: last checking screen → result painted', checkingToPaint);
    line('whole traveller session (start → result painted)', sessionMs);
    printMemory(`after ${stat(sessionMs).n} sessions`, await memory(cdp));

    // 4. Memory on the officer console with a case open: one more traveller asks for an officer.
    if (await page!.$('main.screen[data-phase="welcome"]')) {
      await page!.click('[data-testid=start]');
      await page!.waitForSelector('main.screen[data-phase="notice"]');
      await page!.click('[data-testid=accept-notice]');
      await page!.click('[data-testid=ask-officer]');
      await page!.waitForSelector('main.screen[data-phase="officer-called"]', { timeout: 60_000 });
    }
    const staff = await newPage(browser);
    await staff.goto(`${server!.url}/#staff`);
    await staff.fill('input[name=username]', 'officer1');
    await staff.fill('input[name=password]', 'demo-officer1-pass');
    await staff.click('[data-testid=sign-in]');
    await staff.waitForSelector('[data-testid=signed-in-as]');
    const staffCdp = await staff.context().newCDPSession(staff);
    await staffCdp.send('Performance.enable');
    const item = await staff.waitForSelector('[data-testid=queue-item]', { timeout: 30_000 }).catch(() => null);
    if (item) {
      await item.click();
      await staff.waitForSelector('[data-testid=case-view] [data-testid=audit-trail] li');
      printMemory('officer case view', await memory(staffCdp));
    } else {
      printMemory('officer queue (empty)', await memory(staffCdp));
    }
  } finally {
    await browser.close();
    await server?.stop();
  }
}
