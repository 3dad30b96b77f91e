/**
 * Takes the README's screenshots of the dashboard: a realistic scene (see
 * test/support/dashboardScene.ts) with a minute of traffic behind it. Not a test: run it by hand
 * after changing the page, and look at the picture.
 *
 *   npx tsx test/browser/screenshot.ts [out.png] [seconds] [mixed|outage]
 *   npx tsx test/browser/screenshot.ts docs/dashboard.png 75 mixed
 *   npx tsx test/browser/screenshot.ts docs/dashboard-outage.png 40 outage
 */
import { createServer } from 'node:http';
import { createAdminHandler } from 'breakwater/http';
import { launchBrowser } from '../support/browser.js';
import { type SceneStory, startScene } from '../support/dashboardScene.js';
import { listen, stop } from '../support/listen.js';

const out = process.argv[2] ?? 'docs/dashboard.png';
const seconds = Number(process.argv[3] ?? 75);
const story = (process.argv[4] ?? 'mixed') as SceneStory;

const scene = startScene(story);
const handler = createAdminHandler(scene.registry, { token: 'screenshot-token', title: 'checkout-service' });
const server = createServer(handler);
const url = await listen(server);
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1480, height: 1040 }, deviceScaleFactor: 1 });
  page.on('pageerror', (error) => console.error('page error:', error));
  page.on('console', (message) => console.log('console:', message.text()));
  // An operator who has given the token (the open breakers then show their last error).
  await page.goto(`${url}/`);
  await page.evaluate((token) => {
    sessionStorage.setItem(`breakwater:token:${location.origin}/`, token);
  }, 'screenshot-token');
  await page.reload();
  while (scene.elapsed() < seconds) await new Promise((resolve) => setTimeout(resolve, 500));
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out} after ${scene.elapsed().toFixed(0)} s of traffic`);
} finally {
  await browser.close();
  handler.close();
  await stop(server);
  await scene.stop();
}
