// Headless Chromium for the end-to-end tests: Debian's browser (never a downloaded one) with the
// flags that keep it off the closed network (see ../shared/toolchain.md).
import { chromium } from 'playwright-core';

export const executablePath = process.env.JIMU_CHROMIUM ?? '/usr/bin/chromium';

/** Launches headless Chromium as the tests run it. */
export function launchChromium() {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
