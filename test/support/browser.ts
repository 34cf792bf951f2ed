/**
 * Debian's chromium driven by playwright-core (never a downloaded browser). The flags are the
 * ones that work on these machines: no sandbox as root, no GPU, and no background networking
 * (the machine has no internet; Chromium's own connections would only fail).
 */
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
