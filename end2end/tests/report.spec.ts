import { test, expect, zh, waitForHydration } from "./fixtures";
import { Browser, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const photo = path.join(__dirname, "../fixtures/gps-photo.jpg");
const db = process.env.SW_E2E_DB ?? "";
const intake = {
  username: process.env.SW_E2E_INTAKE ?? "e2e.intake",
  password: process.env.SW_E2E_INTAKE_PASSWORD ?? "",
};

/** What the staff side would do (its own issue): change a case directly in the test database. */
function sql(statement: string): void {
  execFileSync("sqlite3", [db, statement]);
}

type Receipt = { number: string; code: string };

async function fillReport(page: Page, opts: { description: string; realName?: { name: string; phone: string } }) {
  await page.selectOption("#report_type", "major_hazard");
  await page.selectOption("#sector", "WHP");
  await page.selectOption("#town", "XZ01");
  await page.fill("#unit_name", "<b>临湖</b>精细化工");
  await page.fill("#address", "临湖镇工业园 8 号");
  await page.fill("#description", opts.description);
  if (opts.realName) {
    await page.check("input[name=identity][value=real_name]");
    await page.fill("#name", opts.realName.name);
    await page.fill("#phone", opts.realName.phone);
  }
}

async function submitAndReadReceipt(page: Page): Promise<Receipt> {
  await page.click("button[type=submit]");
  await expect(page).toHaveURL(/\/report\/receipt$/, { timeout: 30_000 });
  await expect(page.locator("h1")).toHaveText(zh.receipt_title);
  const number = (await page.locator("#case-number").textContent())!.trim();
  const code = (await page.locator("#access-code").textContent())!.trim();
  expect(number).toMatch(/^AQ[0-9A-Z]{10}$/);
  expect(code).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
  return { number, code };
}

async function openCase(page: Page, r: Receipt) {
  await page.goto("/lookup");
  await page.fill("#case_number", r.number);
  await page.fill("#access_code", r.code.toLowerCase());
  await page.click("button[type=submit]");
  await expect(page).toHaveURL(/\/lookup\/case$/);
}

async function staffPage(browser: Browser, baseURL: string, javaScriptEnabled: boolean): Promise<Page> {
  const ctx = await browser.newContext({ baseURL, javaScriptEnabled, locale: "zh-CN" });
  const page = await ctx.newPage();
  await page.goto("/login");
  if (javaScriptEnabled) await waitForHydration(page);
  await page.fill("#username", intake.username);
  await page.fill("#password", intake.password);
  await page.click("button[type=submit]");
  await expect(page).toHaveURL(/\/staff$/);
  return page;
}

test("reward estimator uses the configured rules", async ({ page, visit }) => {
  await visit("/report");
  await page.fill("#fine", "200000");
  await page.click("#estimator button[type=submit]");
  await expect(page.locator("#estimate")).toHaveText("¥30,000.00");
  await page.fill("#fine", "-5");
  await page.click("#estimator button[type=submit]");
  await expect(page.locator("#estimator .form-error")).toHaveText(zh.err_amount_negative);
});

test("anonymous report with a photo: location offered, metadata gone from the stored file", async ({
  page,
  visit,
  browser,
  baseURL,
  jsEnabled,
}) => {
  await visit("/report/new");
  await expect(page.locator("h1")).toHaveText(zh.form_title);
  await expect(page.locator(".notice").first()).toHaveText(zh.form_anonymous_warning);
  // Field errors come back beside the fields, with what was typed kept.
  await fillReport(page, { description: "太短了" });
  if (jsEnabled) {
    // With the app: live count, a preview of the chosen photo, and the form is sent in the
    // background, so a refusal keeps the page (and the chosen file) as it is.
    await expect(page.locator("#description-count")).toContainText("3");
    await page.setInputFiles("#files", photo);
    await expect(page.locator("#file-previews li img")).toHaveCount(1);
    await page.evaluate(() => ((window as any).__notReloaded = true));
  }
  await page.click("button[type=submit]");
  await expect(page).toHaveURL(/\/report\/new$/, { timeout: 30_000 });
  await expect(page.locator("#description-errors")).toHaveText(zh.err_too_short);
  await expect(page.locator("#address")).toHaveValue("临湖镇工业园 8 号");
  if (jsEnabled) {
    expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);
    expect(await page.locator("#files").evaluate((el) => (el as HTMLInputElement).files!.length)).toBe(1);
  } else {
    await page.setInputFiles("#files", photo);
  }
  await page.selectOption("#report_type", "major_hazard");
  await page.fill("#description", "储罐区可燃气体报警器被关闭，夜间有人在罐区动火，随时可能爆炸。");
  await page.check("input[name=use_photo_location]");
  const receipt = await submitAndReadReceipt(page);
  await expect(page.locator("#files-stored")).toHaveText("1");
  await expect(page.getByText(zh.receipt_location_from_photo)).toBeVisible();
  await expect(page.getByText(zh.receipt_anonymous_warning)).toBeVisible();
  if (jsEnabled) {
    await expect(page.locator("#copy-receipt")).toBeVisible();
  } else {
    await expect(page.locator("#copy-receipt")).toHaveCount(0);
  }
  // Shown once.
  await page.reload();
  await expect(page.locator("h1")).toHaveText(zh.receipt_gone_title);
  await expect(page.getByText(receipt.code)).toHaveCount(0);

  // Intake staff open the case: the photo's position became the location, the stored photo has
  // no EXIF block, camera make or GPS left.
  const staff = await staffPage(browser, baseURL!, jsEnabled);
  await staff.goto(`/staff/reports/${receipt.number}`);
  await expect(staff.locator("#report-coordinates")).toContainText("31.82000, 117.23000");
  await expect(staff.locator("#report-address")).toHaveText("临湖镇工业园 8 号");
  const href = await staff.locator("#attachments a").first().getAttribute("href");
  const resp = await staff.request.get(href!);
  expect(resp.status()).toBe(200);
  expect(resp.headers()["content-type"]).toBe("image/jpeg");
  const bytes = await resp.body();
  expect(bytes[0]).toBe(0xff);
  expect(bytes[1]).toBe(0xd8);
  expect(bytes.includes(Buffer.from("Exif"))).toBe(false);
  expect(bytes.includes(Buffer.from("SpyCam"))).toBe(false);
  await staff.context().close();
});

test("real-name report: lookup, message exchange with staff, withdrawal", async ({
  page,
  visit,
  browser,
  baseURL,
  jsEnabled,
}) => {
  await visit("/report/new");
  await fillReport(page, {
    description: "建筑工地塔吊司机无证上岗，脚手架未设防护网，工人高处作业不系安全带。",
    realName: { name: "王实名", phone: "12345" },
  });
  if (jsEnabled) {
    // The browser's position fills the coordinates.
    await page.context().grantPermissions(["geolocation"]);
    await page.context().setGeolocation({ latitude: 31.86, longitude: 117.28 });
    await page.click("#use-location");
    await expect(page.locator("#latitude")).toHaveValue("31.860000");
    await expect(page.locator("#longitude")).toHaveValue("117.280000");
    // Validation as you type: the phone is checked when the field is left.
    await page.locator("#phone").blur();
    await expect(page.locator("#phone-live")).toHaveText(zh.err_phone_invalid);
  } else {
    await page.click("button[type=submit]");
    await expect(page.locator("#phone-errors")).toHaveText(zh.err_phone_invalid);
    // Name and phone are never kept for refilling: typed again.
    await expect(page.locator("#name")).toHaveValue("");
    await page.fill("#description", "建筑工地塔吊司机无证上岗，脚手架未设防护网，工人高处作业不系安全带。");
    await page.selectOption("#report_type", "violation");
    await page.check("input[name=identity][value=real_name]");
    await page.fill("#name", "王实名");
  }
  await page.fill("#phone", "13912345678");
  const receipt = await submitAndReadReceipt(page);

  await openCase(page, receipt);
  if (jsEnabled) await waitForHydration(page);
  await expect(page.locator("#case-status")).toHaveText(zh.st_submitted);
  await expect(page.locator("#case-deadline")).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await page.fill("#body", "<b>补充</b>：夜里十点后塔吊仍在作业。");
  await page.setInputFiles("#message-files", photo);
  await page.click("form[action='/lookup/message'] button[type=submit]");
  await expect(page).toHaveURL(/\/lookup\/case$/);
  await expect(page.locator("#messages li").first()).toContainText("<b>补充</b>：夜里十点后塔吊仍在作业。");
  await expect(page.locator("#messages li").first()).toContainText("附件 1 个");

  const staff = await staffPage(browser, baseURL!, jsEnabled);
  await staff.goto(`/staff/reports/${receipt.number}`);
  await expect(staff.locator("#messages")).toContainText("<b>补充</b>");
  await expect(staff.locator("#attachments li")).toHaveCount(1);
  await staff.fill("#staff-body", "已收到，我们将在核查时重点检查夜间作业。");
  await staff.click("#staff-body ~ button[type=submit]");
  await expect(staff.locator("#messages li")).toHaveCount(2);
  await staff.context().close();

  await page.reload();
  await expect(page.locator("#messages li.staff")).toContainText("已收到，我们将在核查时重点检查夜间作业。");

  // Withdraw: the box must be ticked.
  await page.getByRole("button", { name: zh.case_withdraw_submit, exact: true }).click();
  await expect(page.locator("#withdraw-errors")).toHaveText(zh.err_confirm_required);
  await page.check("input[name=confirm]");
  await page.getByRole("button", { name: zh.case_withdraw_submit, exact: true }).click();
  await expect(page.locator("#case-status")).toHaveText(zh.st_withdrawn);
  await expect(page.locator("#body")).toHaveCount(0);
});

test("objection after the reply, then the reward claim", async ({ page, visit }) => {
  await visit("/report/new");
  await fillReport(page, { description: "化工厂将危险废物堆放在厂区外空地，附近有居民区，气味刺鼻。" });
  const receipt = await submitAndReadReceipt(page);
  const now = Math.floor(Date.now() / 1000);
  sql(
    `update reports set status = 'replied', reply_text = '经核查属实，已责令整改并处罚款 200000 元。', replied_at = ${now}, ` +
      `objection_until = ${now + 10 * 86400} where case_number = '${receipt.number}'`,
  );
  await openCase(page, receipt);
  await expect(page.locator("#case-status")).toHaveText(zh.st_replied);
  await expect(page.locator("#case-reply")).toContainText("经核查属实");
  await expect(page.getByText(zh.case_withdraw_title)).toHaveCount(0);
  await page.fill("#objection", "整改没有落实，废物仍然堆放在原处，请复查。");
  await page.getByRole("button", { name: zh.case_objection_submit, exact: true }).click();
  await expect(page.locator("#case-status")).toHaveText(zh.st_objection);

  sql(
    `update reports set reward_status = 'approved', reward_amount_fen = 3000000, reward_notified_at = ${now}, ` +
      `reward_claim_until = ${now + 60 * 86400} where case_number = '${receipt.number}'`,
  );
  await page.reload();
  await expect(page.locator("#reward-status")).toContainText("¥30,000.00");
  await page.fill("#claim_code", "AAAAA-AAAAA-AAAAA-AAAAA");
  await page.fill("#payee_name", "王领奖");
  await page.fill("#id_number", "11010519491231002X");
  await page.fill("#bank", "徽商银行");
  await page.fill("#account", "6222 0000 1111 2222");
  await page.getByRole("button", { name: zh.case_claim_submit, exact: true }).click();
  await expect(page.locator("#claim_code-errors")).toHaveText(zh.err_lookup_failed);
  await page.fill("#claim_code", receipt.code);
  await page.fill("#payee_name", "王领奖");
  await page.fill("#id_number", "11010519491231002X");
  await page.fill("#bank", "徽商银行");
  await page.fill("#account", "6222 0000 1111 2222");
  await page.getByRole("button", { name: zh.case_claim_submit, exact: true }).click();
  await expect(page.locator("#reward-status")).toHaveAttribute("data-status", "claimed");
  await expect(page.locator("#reward-status")).toContainText(zh.rw_claimed);
});

test("a wrong access code is refused with the same message as an unknown case", async ({ page, visit }) => {
  await visit("/lookup");
  await page.fill("#case_number", "AQ0000000000");
  await page.fill("#access_code", "AAAAA-AAAAA-AAAAA-AAAAA");
  await page.click("button[type=submit]");
  await expect(page.locator("#access_code-errors")).toHaveText(zh.err_lookup_failed);
});

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(b: Buffer): [number, number] {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) {
      i++;
      continue;
    }
    const m = b[i + 1];
    const len = b.readUInt16BE(i + 2);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      return [b.readUInt16BE(i + 7), b.readUInt16BE(i + 5)];
    }
    i += 2 + len;
  }
  return [0, 0];
}

test("the app scales a large photo down before sending it", async ({ page, visit, browser, baseURL, jsEnabled }) => {
  test.skip(!jsEnabled, "scaling in the browser is what the WebAssembly app adds");
  await visit("/report/new");
  await fillReport(page, { description: "仓库货架严重超载变形，叉车通道被占用，随时可能倒塌伤人。" });
  // A 3600 × 2400 photo made in the page.
  await page.evaluate(async () => {
    const c = document.createElement("canvas");
    c.width = 3600;
    c.height = 2400;
    const g = c.getContext("2d")!;
    const grd = g.createLinearGradient(0, 0, 3600, 2400);
    grd.addColorStop(0, "#c03030");
    grd.addColorStop(1, "#3030c0");
    g.fillStyle = grd;
    g.fillRect(0, 0, 3600, 2400);
    const blob: Blob = await new Promise((r) => c.toBlob((b) => r(b!), "image/png"));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], "big.png", { type: "image/png" }));
    const input = document.querySelector("#files") as HTMLInputElement;
    input.files = dt.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await expect(page.locator("#file-previews li")).toHaveCount(1);
  const receipt = await submitAndReadReceipt(page);
  await expect(page.locator("#files-stored")).toHaveText("1");
  const staff = await staffPage(browser, baseURL!, jsEnabled);
  await staff.goto(`/staff/reports/${receipt.number}`);
  const href = await staff.locator("#attachments a").first().getAttribute("href");
  const resp = await staff.request.get(href!);
  expect(resp.headers()["content-type"]).toBe("image/jpeg");
  const [w, h] = jpegSize(await resp.body());
  expect(Math.max(w, h)).toBe(2560);
  expect(Math.min(w, h)).toBe(1707);
  await staff.context().close();
});

test("photos are re-encoded on the phone: metadata never leaves it, the location only when asked", async ({
  page,
  visit,
  jsEnabled,
}) => {
  test.skip(!jsEnabled, "re-encoding in the browser is what the WebAssembly app adds");
  // Keep what the app hands to XMLHttpRequest, and stop it there (nothing reaches the server).
  await page.addInitScript(() => {
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (body?: Document | XMLHttpRequestBodyInit | null) {
      if (body instanceof FormData) {
        const text = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join("");
        (window as any).__sent = Promise.all(
          body.getAll("files").map(async (f) => text(new Uint8Array(await (f as Blob).arrayBuffer()))),
        ).then((files) => ({
          files,
          latitude: body.get("latitude"),
          longitude: body.get("longitude"),
          fromPhoto: body.get("location_from_photo"),
        }));
      }
      return send.call(this, body);
    };
  });
  await page.route("**/report/submit", (route) => route.abort());
  for (const useLocation of [true, false]) {
    await visit("/report/new");
    await fillReport(page, { description: "配电室电缆沟积水，电缆接头裸露，雨天有触电危险。" });
    await page.setInputFiles("#files", photo);
    await expect(page.locator("#file-previews li")).toContainText(zh.form_will_resize);
    await page.setChecked("input[name=use_photo_location]", useLocation);
    await page.click("button[type=submit]");
    await page.waitForFunction(() => (window as any).__sent !== undefined);
    const sent = await page.evaluate(async () => await (window as any).__sent);
    expect(sent.files).toHaveLength(1);
    const bytes: string = sent.files[0];
    expect(bytes.startsWith("\xff\xd8")).toBe(true);
    expect(bytes.includes("Exif")).toBe(false);
    expect(bytes.includes("SpyCam")).toBe(false);
    if (useLocation) {
      expect([sent.latitude, sent.longitude, sent.fromPhoto]).toEqual(["31.820000", "117.230000", "1"]);
    } else {
      expect([sent.latitude ?? "", sent.longitude ?? "", sent.fromPhoto]).toEqual(["", "", null]);
    }
  }
});
