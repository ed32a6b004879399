import { test, expect, zh, admin, waitForHydration } from "./fixtures";

test("an administrator creates an account, with errors beside the fields first", async ({ page, visit, checkA11y, jsEnabled }, testInfo) => {
  const username = `e2e.${testInfo.project.name}.${Date.now() % 1000000}`;
  await visit("/login");
  await page.getByLabel(zh.login_username).fill(admin.username);
  await page.getByLabel(zh.login_password, { exact: true }).fill(admin.password);
  await page.getByRole("button", { name: zh.login_submit }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await visit("/admin/users");

  // A handler without a department and a short password: both errors, next to their fields.
  await page.getByLabel(zh.account_username).fill(username);
  await page.getByLabel(zh.account_name).fill("<b>张三</b>");
  await page.getByLabel(zh.account_role).selectOption("department_handler");
  await page.getByLabel(zh.login_password).fill("short");
  await page.getByRole("button", { name: zh.admin_create_submit }).click();
  await expect(page.locator("#department_id-errors")).toHaveText(zh.err_department_required);
  await expect(page.locator("#password-errors")).toHaveText(zh.err_password_too_short);
  await checkA11y();
  await expect(page.getByRole("cell", { name: username })).toHaveCount(0);

  if (jsEnabled) await waitForHydration(page);
  await page.getByLabel(zh.account_username).fill(username);
  await page.getByLabel(zh.account_name).fill("<b>张三</b>");
  await page.getByLabel(zh.account_role).selectOption("intake_officer");
  await page.getByLabel(zh.login_password).fill("a long enough password");
  await page.getByRole("button", { name: zh.admin_create_submit }).click();
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: username, exact: true }) });
  await expect(row).toHaveCount(1);
  // Markup typed into a field is shown as text.
  await expect(row.getByRole("cell", { name: "<b>张三</b>", exact: true })).toBeVisible();
  await expect(row.getByRole("cell", { name: zh.role_intake_officer, exact: true })).toBeVisible();
  await checkA11y();
});
