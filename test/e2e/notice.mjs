// notice.mjs - the note in an HTML body, as a browser renders it.
//
// usage: node notice.mjs PAGE.html SHOT.png TEXT...
//
// test/notice.bats takes the text/html part of a message mp-zipenc or
// mp-detach rewrote (decoded with Python's email package) into
// PAGE.html.  Headless Chromium (Debian's, driven by playwright-core)
// opens it; every TEXT must be in what the page shows (innerText, so
// hidden text does not count), the note must come before the sender's
// own text, and a screenshot of the page goes to SHOT.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { chromiumPath, flags } from './harness.mjs';

const [page_, shot, ...texts] = process.argv.slice(2);

const browser = await chromium.launch({
    executablePath: chromiumPath, args: flags, headless: true,
    timeout: 30000,
});
let status = 0;
try {
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await page.goto('file://' + page_);
    const shown = await page.evaluate(() => document.body.innerText);
    let last = -1;
    for (const t of texts) {
        const at = shown.indexOf(t);
        assert.ok(at >= 0, `not shown: ${t}\n--- the page shows:\n${shown}`);
        assert.ok(at > last, `out of order: ${t}`);
        last = at;
    }
    // the note's box is seen, not hidden or empty
    const box = await page.locator('div').first().boundingBox();
    assert.ok(box && box.width > 100 && box.height > 20, 'the note has no room');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`ok - ${texts.length} texts shown in order, screenshot ${shot}`);
} catch (e) {
    console.log(`not ok - ${String(e.stack || e).split('\n').join('\n# ')}`);
    status = 1;
} finally {
    await browser.close();
}
process.exit(status);
