// hold.mjs - mp-hold and its page mp-hold-web end to end, in a real browser.
//
// usage: node hold.mjs CASES.json
//
// test/e2e-hold.bats prepares everything outside the browser: it queues
// real messages with mp-hold (held for a while, waiting for approval,
// waiting for confirmation), takes each person's link from the notices
// in the Maildir (with Python's email package, not mp's parser) and
// starts lighttpd with mp-hold-web.  This script is the sender and the
// approvers: headless Chromium (Debian's, driven by playwright-core)
// opens the links and presses the buttons.  The stand-in sendmail
// leaves its arguments and input per call, so what was delivered, and when, is seen
// from outside mp; the notices of the outcome are read from the
// Maildir again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { check, chromiumPath, finish, flags } from './harness.mjs';
import { chromium, request } from 'playwright-core';

const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const E = cases.entries;
function sha256(file) {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

// state - an entry's state as its entry.json says
function state(c) {
    return JSON.parse(fs.readFileSync(c.entry, 'utf8')).state;
}

// sent - every finished call of the stand-in sendmail so far (N.args,
// then N.msg once it read the message): its arguments and what it
// read, with the X-MP-Hold: trace field (if any) taken off
function sent() {
    return fs.readdirSync(cases.sent).filter((f) => f.endsWith('.msg'))
        .map((f) => Number(f.slice(0, -'.msg'.length)))
        .sort((a, b) => a - b).map((n) => {
            const base = path.join(cases.sent, String(n));
            const argv = fs.readFileSync(`${base}.args`, 'utf8')
                .replace(/\n$/, '').split('\n');
            let input = fs.readFileSync(`${base}.msg`);
            let trace = null;
            if (input.subarray(0, 10).toString() === 'X-MP-Hold:') {
                const nl = input.indexOf(0x0a);
                trace = input.subarray(0, nl).toString().replace(/\r$/, '');
                input = input.subarray(nl + 1);
            }
            return { argv, input, trace };
        });
}

// deliveries - the calls that carried the message of c, byte for byte
function deliveries(c) {
    const orig = fs.readFileSync(c.message);
    return sent().filter((s) => s.input.equals(orig));
}

// assertDelivered - c went out exactly once, with its own envelope
function assertDelivered(c) {
    const d = deliveries(c);
    assert.equal(d.length, 1, `deliveries of ${c.messageId}: ${
        JSON.stringify(sent().map((s) => [s.argv, s.trace,
            s.input.subarray(0, 300).toString()]))}`);
    assert.deepEqual(d[0].argv, ['-f', cases.sender, '--', ...c.recipients]);
    return d[0];
}

// notices - the notices in the Maildir, decoded by Python's email package
function notices() {
    const [script, maildir, base] = cases.notices;
    return JSON.parse(execFileSync('python3', [script, maildir, base],
        { encoding: 'utf8' }));
}

// links - every link of every entry: the sender's and each approver's
function links() {
    const out = [];
    for (const [name, c] of Object.entries(E)) {
        out.push({ name, role: 'sender', url: c.sender });
        for (const [who, url] of Object.entries(c.approvers))
            out.push({ name, role: who, url });
    }
    return out;
}

// fingerprint - what the spool says of every entry: entry.json and the
// audit log, hashed
function fingerprint() {
    const f = {};
    for (const [name, c] of Object.entries(E))
        f[name] = { entry: sha256(c.entry), log: sha256(c.log) };
    return f;
}

// buttons - the actions the page offers, in its order
async function buttons(page) {
    return page.locator('button[name="action"]').evaluateAll(
        (bs) => bs.map((b) => b.value));
}

// press - press one action's button; the answer of the POST and the
// page after it
async function press(page, action) {
    const [resp] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.click(`button[name="action"][value="${action}"]`),
    ]);
    await page.waitForLoadState('load');
    return resp;
}

// run - mp-hold --run as the timer starts it, ten minutes from now
function run() {
    const later = new Date(Date.now() + 10 * 60 * 1000).toISOString()
        .replace(/\.\d+Z$/, 'Z');
    execFileSync(cases.mpHold, ['-c', cases.config, '--run', '--now', later]);
}

// client - requests without the browser, as a script would make them;
// a new one per check: a connection the server closed as idle (5 s in
// lighttpd) and the client reuses at that moment is a hang-up
async function client(fn) {
    const api = await request.newContext();
    try {
        return await fn(api);
    } finally {
        await api.dispose();
    }
}

// getEverything - every link opened in the browser and asked for by
// HEAD, as a mail scanner would; nothing may change and nothing go out
async function getEverything(page, expect) {
    const before = fingerprint();
    const calls = sent().length;
    await client(async (api) => {
        for (const l of links()) {
            const resp = await page.goto(l.url);
            const want = expect(l.name);
            assert.equal(resp.status(), want, `GET ${l.name} ${l.role}`);
            const head = await api.head(l.url);
            assert.equal(head.status(), want, `HEAD ${l.name} ${l.role}`);
        }
    });
    assert.deepEqual(fingerprint(), before);
    assert.equal(sent().length, calls);
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-e2e-profile-'));
const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: flags,
    headless: true,
    locale: 'ja-JP',
    timeout: 30000,
});
context.setDefaultTimeout(20000);
const shots = process.env.MP_E2E_SCREENSHOTS;

try {
    const page = await context.newPage();

    await check('opening and asking for every link while held changes nothing', async () => {
        await getEverything(page, () => 200);
        // and the pages show what each person may do
        await page.goto(E.confirm.sender);
        assert.deepEqual(await buttons(page), ['confirm', 'discard']);
        assert.equal(await page.locator('input[type="checkbox"][name="d0"]').count(), 1);
        assert.equal(await page.locator('input[type="checkbox"][name="a0"]').count(), 1);
        assert.equal(await page.locator('#state').textContent(), '確認待ち');
        await page.goto(E.later.sender);
        assert.deepEqual(await buttons(page), ['release', 'discard']);
    });

    await check('1. the held notice\'s link shows the message; discard; the timer sends nothing', async () => {
        const c = E.discard;
        const resp = await page.goto(c.sender);
        assert.equal(resp.status(), 200);
        const h = resp.headers();
        assert.equal(h['cache-control'], 'no-store');
        assert.match(h['content-security-policy'], /default-src 'none'/);
        assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
        assert.equal(await page.locator('h1').textContent(), '配送保留中のメール');
        assert.equal(await page.locator('#state').textContent(), '保留中');
        assert.equal(await page.locator('#sender').textContent(), cases.sender);
        assert.match(await page.locator('#from').textContent(), /sato@example\.co\.jp/);
        assert.equal(await page.locator('#subject').textContent(), c.subject);
        const classes = await page.locator('#recipients li').evaluateAll(
            (li) => li.map((x) => [x.className, x.firstChild.textContent]));
        assert.deepEqual(classes, [['external', 'a@example.com'],
            ['internal', 'b@example.co.jp'],
            ['semi-internal', 'c@group.example.jp']]);
        assert.match(await page.locator('#preview').textContent(), /見積書の送付の件、ご確認ください。/);
        assert.deepEqual(await page.locator('#attachments td.name').allTextContents(), ['見積書.pdf']);
        assert.match(await page.locator('#attachments td.size').textContent(), /\d/);
        assert.match(await page.locator('#due').textContent(), /に送信されます。/);
        assert.deepEqual(await buttons(page), ['release', 'discard']);
        if (shots) await page.screenshot({ path: `${shots}/held.png`, fullPage: true });

        const post = await press(page, 'discard');
        assert.equal(post.status(), 200);
        assert.match(await page.locator('#message').textContent(), /破棄しました/);
        assert.deepEqual(await buttons(page), []);
        assert.equal(state(c), 'discarded');
        run();
        assert.equal(deliveries(c).length, 0);
        assert.equal(sent().filter((s) => s.input.includes(c.messageId)).length, 0);
        assert.equal(state(c), 'discarded');
    });

    await check('2. "send now" delivers at once, before any run of the timer', async () => {
        const c = E.release;
        assert.equal((await page.goto(c.sender)).status(), 200);
        assert.equal(deliveries(c).length, 0);
        const post = await press(page, 'release');
        assert.equal(post.status(), 200);
        assert.match(await page.locator('#message').textContent(), /送信しました/);
        const d = assertDelivered(c);
        assert.match(d.trace, new RegExp(`^X-MP-Hold: id=${c.id}; mode=hold; by=sender\\b`));
        assert.equal(state(c), 'sent');
    });

    await check('3. an approver\'s link: approve, and the message goes out with its envelope', async () => {
        const c = E.approve;
        const url = c.approvers['kacho111@example.co.jp'];
        assert.ok(url, 'no approval request to kacho111');
        assert.ok(c.approvers['bucho110@example.co.jp'], 'no approval request to bucho110');
        assert.equal((await page.goto(url)).status(), 200);
        assert.equal(await page.locator('h1').textContent(), '承認依頼');
        assert.equal(await page.locator('#state').textContent(), '承認待ち');
        assert.match(await page.locator('#due').textContent(), /木村 誠/);
        assert.deepEqual(await page.locator('#attachments td.name').allTextContents(), ['契約書案.pdf']);
        assert.deepEqual(await buttons(page), ['approve', 'reject']);
        if (shots) await page.screenshot({ path: `${shots}/approve.png`, fullPage: true });
        assert.equal(deliveries(c).length, 0);
        const post = await press(page, 'approve');
        assert.equal(post.status(), 200);
        assert.match(await page.locator('#message').textContent(), /承認しました/);
        const d = assertDelivered(c);
        assert.match(d.trace, new RegExp(`^X-MP-Hold: id=${c.id}; mode=approve; by=approver\\b`));
        assert.equal(state(c), 'sent');
    });

    await check('4. the other approver rejects with a comment; the sender\'s notice has it', async () => {
        const c = E.reject;
        const comment = '単価が古い版です。<b>最新の価格表</b>に差し替えてください。';
        const url = c.approvers['bucho110@example.co.jp'];
        assert.equal((await page.goto(url)).status(), 200);
        await page.fill('#comment', comment);
        const post = await press(page, 'reject');
        assert.equal(post.status(), 200);
        assert.match(await page.locator('#message').textContent(), /却下しました/);
        assert.equal(state(c), 'rejected');
        assert.equal(deliveries(c).length, 0);
        const n = notices().filter((x) => x.to === cases.sender &&
            x.subject === `[承認却下] ${c.subject}`);
        assert.equal(n.length, 1, 'rejected notices to the sender');
        assert.ok(n[0].body.includes(comment), n[0].body);
        assert.deepEqual(n[0].links, []);
    });

    await check('5. opening and asking for every link in every state changes nothing', async () => {
        const final = ['discard', 'release', 'approve', 'reject'];
        assert.deepEqual(final.map((n) => state(E[n])),
            ['discarded', 'sent', 'sent', 'rejected']);
        await getEverything(page, (name) => final.includes(name) ? 410 : 200);
    });

    await check('6. the sender\'s link cannot approve, even with the page\'s csrf (403)', async () => {
        const c = E.pending;
        const before = fingerprint();
        const calls = sent().length;
        assert.equal((await page.goto(c.sender)).status(), 200);
        assert.deepEqual(await buttons(page), ['discard']);
        const csrf = await page.locator('input[name="csrf"]').first().getAttribute('value');
        assert.match(csrf, /\S/);
        const other = c.approvers['kacho111@example.co.jp'];
        await client(async (api) => {
            const resp = await api.post(c.sender, {
                form: { csrf, action: 'approve' },
            });
            assert.equal(resp.status(), 403);
            assert.match(await resp.text(), /この操作はできません/);
            // an approver's link with a csrf that is not its own
            const bad = await api.post(other, {
                form: { csrf, action: 'approve' },
            });
            assert.equal(bad.status(), 403);
        });
        assert.deepEqual(fingerprint(), before);
        assert.equal(sent().length, calls);
        assert.equal(state(c), 'held');
    });

    await check('6. a finished entry\'s page says what became of it, with no buttons (410)', async () => {
        const c = E.discard;
        const resp = await page.goto(c.sender);
        assert.equal(resp.status(), 410);
        assert.equal(resp.headers()['cache-control'], 'no-store');
        assert.match(await page.locator('#message').textContent(), /破棄されました/);
        assert.deepEqual(await buttons(page), []);
        assert.equal(await page.locator('form').count(), 0);
        if (shots) await page.screenshot({ path: `${shots}/finished.png`, fullPage: true });
        const r = E.approve;
        const resp2 = await page.goto(r.approvers['bucho110@example.co.jp']);
        assert.equal(resp2.status(), 410);
        assert.match(await page.locator('#message').textContent(), /送信されました/);
        assert.equal(await page.locator('form').count(), 0);
        const post = await client((api) => api.post(c.sender, {
            form: { csrf: 'x', action: 'release' },
        }));
        assert.equal(post.status(), 410);
        assert.equal(deliveries(c).length, 0);
    });

    await check('an unknown link, or a token of another entry, is a 404', async () => {
        const c = E.pending;
        const token = c.sender.split('/').pop();
        const unknown = `${cases.base}${'0'.repeat(32)}/${token}`;
        let resp = await page.goto(unknown);
        assert.equal(resp.status(), 404);
        assert.match(await page.locator('#message').textContent(), /このリンクは無効です/);
        resp = await page.goto(`${cases.base}${E.later.id}/${token}`);
        assert.equal(resp.status(), 404);
        assert.equal(await page.locator('form').count(), 0);
    });
} finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
}

finish();
