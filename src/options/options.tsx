// Options page entry: the App on the real background.
import { render } from "preact";
import { App } from "./app.tsx";
import { messengerBackend } from "./messenger-backend.ts";

const root = document.getElementById("app");
if (root) {
  const backend = messengerBackend();
  document.documentElement.lang = backend.language;
  document.title = backend.t("extensionName");
  render(<App backend={backend} />, root);
}
