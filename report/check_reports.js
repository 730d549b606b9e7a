// Loads smartnano HTML reports in headless Chromium (Playwright core) and fails when a page
// logs a console error, throws, asks for anything over the network or fails a request, or
// when a plot it declares did not render. Run by CTest (tests/report/):
//   node check_reports.js [--chromium PATH] [--problems N] REPORT.html...
// --problems N: the reports must show exactly N plots that could not be drawn (default 0).
'use strict';
const path = require('path');
const { pathToFileURL } = require('url');
const { chromium } = require('playwright-core');

function parseArgs(argv) {
  const args = { chromium: '/usr/bin/chromium', problems: 0, files: [] };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--chromium') args.chromium = argv[++i];
    else if (argv[i] === '--problems') args.problems = Number(argv[++i]);
    else args.files.push(argv[i]);
  }
  return args;
}

async function checkReport(browser, file, expectedProblems) {
  const failures = [];
  const page = await browser.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') failures.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    failures.push(`failed request: ${request.url()} (${request.failure()?.errorText})`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('file:') && !url.startsWith('data:') && !url.startsWith('blob:') &&
        !url.startsWith('about:')) {
      failures.push(`network request: ${url}`);
    }
  });
  const url = pathToFileURL(path.resolve(file)).href;
  const started = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(
    () => document.documentElement.getAttribute('data-plots-done') === 'true',
    null, { timeout: 30000 });
  const state = await page.evaluate(() => {
    const html = document.documentElement;
    const areas = Array.from(document.querySelectorAll('.plot-area'));
    return {
      declared: Number(html.getAttribute('data-plots')),
      drawn: Number(html.getAttribute('data-drawn')),
      figures: document.querySelectorAll('figure.plot').length,
      problems: document.querySelectorAll('figure.plot > .plot-problem').length,
      areas: areas.map((a) => {
        const picture = a.querySelector('svg, canvas');
        const box = picture ? picture.getBoundingClientRect() : { width: 0, height: 0 };
        return {
          id: a.id,
          rendered: a.getAttribute('data-rendered'),
          width: box.width,
          height: box.height,
          marks: picture ? picture.querySelectorAll('path, rect, line, text').length : 0,
        };
      }),
    };
  });
  if (!(state.declared > 0)) failures.push('the report declares no plots');
  if (state.figures !== state.declared) {
    failures.push(`${state.figures} plot figures, the report declares ${state.declared}`);
  }
  if (state.areas.length !== state.drawn) {
    failures.push(`${state.areas.length} plot areas, the report declares ${state.drawn} drawn`);
  }
  if (state.problems !== state.declared - state.drawn) {
    failures.push(`${state.problems} 'not drawn' notes for ${state.declared - state.drawn} plots`);
  }
  if (state.problems !== expectedProblems) {
    failures.push(`${state.problems} plots not drawn, expected ${expectedProblems}`);
  }
  for (const a of state.areas) {
    if (a.rendered !== 'true' || !(a.width > 0) || !(a.height > 0) || a.marks === 0) {
      failures.push(`${a.id} did not render (state ${a.rendered}, ${a.width} x ${a.height} px, ` +
                    `${a.marks} marks)`);
    }
  }
  await page.close();
  return { failures, state, seconds: (Date.now() - started) / 1000 };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.files.length === 0) {
    console.error('usage: node check_reports.js [--chromium PATH] [--problems N] REPORT.html...');
    process.exit(2);
  }
  const browser = await chromium.launch({
    executablePath: args.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
           '--disable-background-networking'],
  });
  let failed = 0;
  try {
    for (const file of args.files) {
      const { failures, state, seconds } = await checkReport(browser, file, args.problems);
      if (failures.length === 0) {
        console.log(`ok: ${file}: ${state.drawn} of ${state.declared} plots rendered ` +
                    `(${seconds.toFixed(1)} s)`);
      } else {
        ++failed;
        console.log(`FAILED: ${file}`);
        for (const f of failures) console.log(`  ${f}`);
      }
    }
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(`check_reports.js: ${error.stack || error}`);
  process.exit(1);
});
