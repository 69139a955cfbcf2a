// detach.mjs - mp-detach and mp-download end to end, in a real browser.
//
// usage: node detach.mjs CASES.json
//
// test/e2e.bats prepares everything outside the browser: it runs
// mp-detach on a real message for each case, takes the download link
// from the rewritten message and the password from the notice (with
// Python's email package, not mp's parser), computes the sha256 of the
// original attachment, and starts lighttpd with mp-download.  This
// script is the recipient: headless Chromium (Debian's, driven by
// playwright-core) opens the link, types the password, downloads, and
// the file must be the attachment, byte for byte.  The same run shows a
// wrong password, the lock after too many, expiry and revocation as a
// recipient sees them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { check, chromiumPath, finish, flags } from './harness.mjs';
import { chromium } from 'playwright-core';

const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
function sha256(file) {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

// submit - type the password and press the download button of file n;
// the answer of the POST (a page: no download) and the page after it
async function submit(page, password, n) {
    await page.fill('#password', password);
    const [resp] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.click(`button[name="file"][value="${n}"]`),
    ]);
    await page.waitForLoadState('load');
    return resp;
}

// expire - what a passing week does to an entry: its metadata says it
// expired (written as mp-detach writes it: to a new file, renamed)
function expire(meta) {
    const m = JSON.parse(fs.readFileSync(meta, 'utf8'));
    m.expires = '2020-01-01T00:00:00Z';
    fs.writeFileSync(`${meta}.t`, JSON.stringify(m), { mode: 0o600 });
    fs.renameSync(`${meta}.t`, meta);
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-e2e-profile-'));
const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-e2e-dl-'));
const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: flags,
    headless: true,
    acceptDownloads: true,
    downloadsPath: downloads,
    locale: 'ja-JP',
    timeout: 30000,
});
context.setDefaultTimeout(20000);
const shots = process.env.MP_E2E_SCREENSHOTS;

try {
    const page = await context.newPage();

    await check('the link from the message shows the files and a password field', async () => {
        const c = cases.download;
        const resp = await page.goto(c.url);
        assert.equal(resp.status(), 200);
        assert.equal(resp.headers()['cache-control'], 'no-store');
        assert.equal(await page.locator('h1').textContent(), '添付ファイルのダウンロード');
        assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
        const names = await page.locator('td.name').allTextContents();
        assert.deepEqual(names, c.names);
        assert.equal(await page.locator('#sender').textContent(), c.sender);
        if (shots) await page.screenshot({ path: `${shots}/page.png`, fullPage: true });
    });

    await check('a wrong password: 403, the form again, no download', async () => {
        const c = cases.download;
        let got = null;
        const onDownload = (d) => { got = d; };
        page.on('download', onDownload);
        const resp = await submit(page, `${c.password}x`, 1);
        page.off('download', onDownload);
        assert.equal(resp.status(), 403);
        assert.match(await page.locator('#message').textContent(), /パスワードが違います/);
        assert.equal(await page.locator('#password').count(), 1);
        assert.equal(got, null);
        if (shots) await page.screenshot({ path: `${shots}/wrong.png`, fullPage: true });
    });

    await check('the password from the notice downloads the attachment, byte for byte', async () => {
        const c = cases.download;
        await page.fill('#password', c.password);
        const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.click('button[name="file"][value="1"]'),
        ]);
        assert.equal(download.suggestedFilename(), c.names[0]);
        const file = path.join(downloads, 'first');
        await download.saveAs(file);
        assert.equal(await download.failure(), null);
        assert.equal(sha256(file), c.sha256[0]);
    });

    await check('the second file of the same message, by its own button', async () => {
        const c = cases.download;
        await page.goto(c.url);
        await page.fill('#password', c.password);
        const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.click('button[name="file"][value="2"]'),
        ]);
        assert.equal(download.suggestedFilename(), c.names[1]);
        const file = path.join(downloads, 'second');
        await download.saveAs(file);
        assert.equal(sha256(file), c.sha256[1]);
    });

    await check(`after ${cases.lockout.maxFailures} wrong passwords the entry locks, even for the right one`, async () => {
        const c = cases.lockout;
        assert.equal((await page.goto(c.url)).status(), 200);
        for (let i = 1; i <= c.maxFailures; i++) {
            const resp = await submit(page, `guess-${i}`, 1);
            assert.equal(resp.status(), 403, `attempt ${i}`);
            if (i < c.maxFailures)
                assert.equal(await page.locator('#password').count(), 1);
        }
        assert.match(await page.locator('#message').textContent(), /ロックしました/);
        // the form is gone; the right password by a new visit is refused
        const again = await page.goto(c.url);
        assert.equal(again.status(), 429);
        assert.match(await page.locator('#message').textContent(), /ロックされています/);
        assert.equal(await page.locator('#password').count(), 0);
        const resp = await page.request.post(c.url, {
            form: { password: c.password, file: '1' },
        });
        assert.equal(resp.status(), 429);
        assert.ok(Number(resp.headers()['retry-after']) > 0);
        if (shots) await page.screenshot({ path: `${shots}/locked.png`, fullPage: true });
    });

    await check('an expired link says so (410), and the files are out of reach', async () => {
        const c = cases.expiry;
        assert.equal((await page.goto(c.url)).status(), 200);
        expire(c.meta);
        const resp = await page.reload();
        assert.equal(resp.status(), 410);
        assert.match(await page.locator('#message').textContent(), /有効期限が切れています/);
        assert.equal(await page.locator('td.name').count(), 0);
        const post = await page.request.post(c.url, {
            form: { password: c.password, file: '1' },
        });
        assert.equal(post.status(), 410);
        if (shots) await page.screenshot({ path: `${shots}/expired.png`, fullPage: true });
    });

    await check('a revoked link says so (410) at once', async () => {
        const c = cases.revoke;
        assert.equal((await page.goto(c.url)).status(), 200);
        execFileSync(c.mpDetach, ['-c', c.config, '--revoke', c.id]);
        const resp = await page.reload();
        assert.equal(resp.status(), 410);
        assert.match(await page.locator('#message').textContent(), /取り消されました/);
        const post = await page.request.post(c.url, {
            form: { password: c.password, file: '1' },
        });
        assert.equal(post.status(), 410);
    });

    await check('in English for a browser that asks for English', async () => {
        const c = cases.download;
        // a second context of the same browser, whose locale sets
        // Accept-Language (the persistent one says ja-JP)
        const en = await context.browser().newContext({ locale: 'en-US' });
        const p = await en.newPage();
        assert.equal((await p.goto(c.url)).status(), 200);
        assert.equal(await p.locator('h1').textContent(), 'Attachment download');
        assert.equal(await p.locator('html').getAttribute('lang'), 'en');
        await en.close();
    });
} finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    fs.rmSync(downloads, { recursive: true, force: true });
}

finish();
