/**
 * Thunderbird's language packs, for tests that run it in another language. A pref alone
 * (intl.locale.requested) does not switch a Thunderbird that has no such language: Debian ships
 * each one apart (apt-get install thunderbird-l10n-fr), as an add-on in the install's extensions/
 * folder. The test installs it in its profile (the runner's add-on list), which works whatever
 * folder the install copy comes from. THUNDERBIRD_LANGPACK_<LANG> points to another file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { THUNDERBIRD_INSTALL_DIR } from "./install-copy.ts";

export interface Langpack {
  id: string;
  path: string;
}

/** The language pack of `language` ("fr") for the Thunderbird under test, or null when absent. */
export function langpackFor(language: string, installDir = THUNDERBIRD_INSTALL_DIR): Langpack | null {
  const id = `langpack-${language}@thunderbird.mozilla.org`;
  const candidates = [process.env[`THUNDERBIRD_LANGPACK_${language.toUpperCase()}`], path.join(installDir, "extensions", `${id}.xpi`)];
  const found = candidates.find((file): file is string => file !== undefined && file !== "" && fs.existsSync(file));
  return found === undefined ? null : { id, path: found };
}
