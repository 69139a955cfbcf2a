// harness.mjs - what the browser tests share: Debian's Chromium and how
// it runs here, and the count of checks that passed and failed.
import process from 'node:process';

export const chromiumPath = process.env.MP_CHROMIUM || '/usr/bin/chromium';

// what this machine's Chromium needs: no sandbox as root, no GPU, and
// no connection of its own to anywhere (the network is closed)
export const flags = ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];

let passed = 0;
let failed = 0;

// check - run one named check: "ok - NAME", or "not ok - NAME" and why
export async function check(name, fn) {
    try {
        await fn();
        passed++;
        console.log(`ok - ${name}`);
    } catch (e) {
        failed++;
        console.log(`not ok - ${name}`);
        console.log(`# ${String(e.stack || e).split('\n').join('\n# ')}`);
    }
}

// finish - say how many passed and failed, and exit 1 if any failed
export function finish() {
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
}
