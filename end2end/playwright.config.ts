import { defineConfig } from "@playwright/test";

// The server is started by scripts/test.sh (release build, fresh SQLite database) and its URL
// passed in SW_BASE_URL. Chromium is Debian's; Playwright never downloads a browser here.
const baseURL = process.env.SW_BASE_URL ?? "http://127.0.0.1:3000";

const launchOptions = {
  executablePath: process.env.SW_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  // One retry, reported as "flaky" in the list. The server-side render stall it was added for is
  // now bounded on the server (issue 11); it stays because a lazy staff page is sometimes served
  // without its page CSP and so does not hydrate (issue 12, open). A real failure fails twice.
  retries: 1,
  reporter: [["list"]],
  use: {
    baseURL,
    locale: "zh-CN",
    launchOptions,
    trace: "off",
  },
  projects: [
    {
      // Every flow without JavaScript: server-rendered pages and plain form posts.
      name: "js-off",
      use: { javaScriptEnabled: false },
      testIgnore: /\.hydrate\.spec\.ts$/,
    },
    {
      // The same flows with the WebAssembly app hydrated, plus WASM-only behaviour.
      name: "hydrated",
      use: { javaScriptEnabled: true },
    },
  ],
});
