// The browser tests drive Debian's Chromium (apps/web/e2e/support/browser.ts reads the same path).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const chromiumPath = () => process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/**
 * True when Chromium is there, installing it where this process can (root on Debian or Ubuntu);
 * otherwise a one-line reason saying what to install.
 */
export function ensureChromium(log) {
  const wanted = chromiumPath();
  if (existsSync(wanted)) return { ok: true };
  if (process.env.CHROMIUM_PATH) {
    // A path someone chose: an install would put Chromium elsewhere, so only say what is missing.
    return {
      ok: false,
      reason: `no Chromium at CHROMIUM_PATH=${wanted}: install it there or unset CHROMIUM_PATH`,
    };
  }
  const debian = existsSync("/etc/debian_version");
  const root = process.getuid?.() === 0;
  if (debian && root) {
    log(
      "Chromium is missing: installing Debian's chromium for the browser tests (apt-get install -y chromium)",
    );
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
    if (existsSync(wanted)) return { ok: true };
  }
  const how = debian ? "sudo apt-get install -y chromium" : "your system's Chromium package";
  return {
    ok: false,
    reason: `Chromium not found at ${wanted}: install it (${how}) or set CHROMIUM_PATH to a Chromium binary`,
  };
}
