import { test, expect, zh, admin, waitForHydration } from "./fixtures";

test("staff log in and out", async ({ page, visit, checkA11y, jsEnabled }) => {
  expect(admin.password, "SW_E2E_ADMIN_PASSWORD must be set by scripts/test.sh").not.toBe("");
  await visit("/");
  await page.getByRole("link", { name: zh.nav_login, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(zh.login_title);
  if (jsEnabled) await waitForHydration(page);
  await checkA11y();

  // A wrong password: the generic, translated message beside the form, nothing else revealed.
  await page.getByLabel(zh.login_username).fill("nobody.e2e");
  await page.getByLabel(zh.login_password, { exact: true }).fill("not a real password");
  await page.getByRole("button", { name: zh.login_submit }).click();
  await expect(page.getByRole("alert")).toHaveText(zh.err_invalid_credentials);
  await checkA11y();

  await page.getByLabel(zh.login_username).fill(admin.username);
  await page.getByLabel(zh.login_password, { exact: true }).fill(admin.password);
  await page.getByRole("button", { name: zh.login_submit }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(zh.staff_title);
  await expect(page.getByTestId("staff-greeting")).toContainText(zh.role_admin);
  // The header follows the login (with JavaScript the workbench told it; without, the server drew it).
  const nav = page.locator("nav.main-nav");
  await expect(nav.getByRole("link", { name: zh.nav_workbench })).toHaveAttribute("href", "/staff");
  await expect(nav.getByRole("link", { name: zh.nav_login, exact: true })).toHaveCount(0);
  await checkA11y();

  // The admin's account list, reached from the workbench.
  await page.getByRole("link", { name: zh.admin_users_title }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(zh.admin_users_title);
  await expect(page.getByRole("cell", { name: admin.username, exact: true })).toBeVisible();
  await checkA11y();

  await page.getByRole("button", { name: zh.nav_logout }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("link", { name: zh.nav_login, exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: zh.nav_workbench })).toHaveCount(0);
  await visit("/staff");
  await expect(page.getByRole("alert")).toHaveText(zh.err_unauthorized);
});

test("the show-password control exists only in the hydrated app", async ({ page, visit, jsEnabled }) => {
  await visit("/login");
  const toggle = page.getByRole("button", { name: zh.login_show_password });
  const password = page.getByLabel(zh.login_password, { exact: true });
  if (!jsEnabled) {
    await expect(toggle).toHaveCount(0);
    await expect(password).toHaveAttribute("type", "password");
    return;
  }
  // Only the WebAssembly app can render and run this control: proof that hydration happened.
  await expect(toggle).toBeVisible();
  await password.fill("secret value");
  await toggle.click();
  await expect(password).toHaveAttribute("type", "text");
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await toggle.click();
  await expect(password).toHaveAttribute("type", "password");
});
