import { html } from "hono/html";
import { type Html, layout } from "./layout";

export function loginPage(message?: string): Html {
  return layout(
    "Sign in",
    html`<h1>tagrelay admin</h1>
<section>
<form method="post" action="/admin/login">
<p><label for="token">Admin token (<code>ADMIN_TOKEN</code>)</label></p>
<p class="search"><input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></p>
${message ? html`<p role="alert">${message}</p>` : ""}
</form>
</section>`,
  );
}
