// Accessibility check of HTML pages with axe-core, run in Chromium (Debian's `chromium`), and
// screenshots of them.
//
//   node scripts/a11y/axe.mjs check PAGE.html…           axe-core, WCAG 2.1 A and AA: exit 1 on
//                                                         any violation, listed on stderr
//   node scripts/a11y/axe.mjs shot PAGE.html OUT.png WIDTH HEIGHT [#SECTION]
//                                                         a screenshot of the viewport (scrolled
//                                                         to SECTION when given)
//
// Chromium is found at $CHROMIUM or /usr/bin/chromium; without it the check fails (exit 2), it
// never passes silently. The page is opened from the file, with no network.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axe = require('axe-core');

const exe = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(exe)) {
  console.error(`chromium not found at ${exe}: install it (apt-get install -y chromium) or set CHROMIUM`);
  process.exit(2);
}

async function browser() {
  return chromium.launch({
    executablePath: exe,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

async function check(files) {
  const b = await browser();
  let bad = 0;
  try {
    for (const f of files) {
      const page = await b.newPage({ viewport: { width: 1280, height: 900 } });
      // Nothing may be fetched: the report is self-contained.
      await page.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
      await page.goto(pathToFileURL(path.resolve(f)).href);
      await page.addScriptTag({ content: axe.source });
      const res = await page.evaluate(async () =>
        // eslint-disable-next-line no-undef
        await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
      const n = res.violations.reduce((a, v) => a + v.nodes.length, 0);
      console.log(`${f}: ${res.violations.length} violations (${n} elements), ${res.passes.length} rules passed`);
      for (const v of res.violations) {
        console.error(`  ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} elements, e.g. ${v.nodes.slice(0, 3).map((x) => x.target.join(' ')).join(', ')}`);
        for (const x of v.nodes.slice(0, 2)) console.error(`    ${x.failureSummary.replace(/\n/g, ' ')}`);
      }
      if (res.passes.length === 0) {
        console.error(`  axe-core ran no rule on ${f}`);
        bad += 1;
      }
      bad += res.violations.length;
      await page.close();
    }
  } finally {
    await b.close();
  }
  process.exit(bad > 0 ? 1 : 0);
}

async function shot(file, out, width, height, section) {
  const b = await browser();
  try {
    const page = await b.newPage({ viewport: { width: Number(width), height: Number(height) } });
    await page.goto(pathToFileURL(path.resolve(file)).href);
    if (section) await page.locator(section).scrollIntoViewIfNeeded();
    if (section) await page.evaluate((s) => document.querySelector(s).scrollIntoView(), section);
    await page.screenshot({ path: out, fullPage: false });
  } finally {
    await b.close();
  }
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'check' && rest.length > 0) await check(rest);
else if (cmd === 'shot' && (rest.length === 4 || rest.length === 5)) await shot(...rest);
else {
  console.error('usage: axe.mjs check PAGE.html… | axe.mjs shot PAGE.html OUT.png WIDTH HEIGHT [#SECTION]');
  process.exit(2);
}
