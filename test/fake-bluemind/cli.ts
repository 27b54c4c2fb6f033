// Run the fake BlueMind server by hand:
//   npx tsx test/fake-bluemind/cli.ts --port 8080 --dataset demo [--host 127.0.0.1] [--seed 1] [--session-idle-ms 1200000]
// Prints the URL, the users with their passwords and API keys; Ctrl-C stops it.
import { parseArgs } from "node:util";
import { DATASET_NAMES } from "./datasets.ts";
import { startFakeBlueMind } from "./server.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8080" },
    host: { type: "string", default: "127.0.0.1" },
    dataset: { type: "string", default: "demo" },
    seed: { type: "string", default: "1" },
    "session-idle-ms": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(`Usage: npx tsx test/fake-bluemind/cli.ts [--port 8080] [--host 127.0.0.1] [--dataset ${DATASET_NAMES.join("|")}] [--seed 1] [--session-idle-ms N]`);
  process.exit(0);
}

const fake = await startFakeBlueMind({
  port: Number(values.port),
  host: values.host,
  dataset: values.dataset,
  seed: Number(values.seed),
  sessionIdleMs: values["session-idle-ms"] ? Number(values["session-idle-ms"]) : undefined,
});

const info = fake.control.datasetInfo();
const lines = [
  `Fake BlueMind (${values.dataset}) listening on ${fake.url}  (REST API under ${fake.url}/api, control API under ${fake.url}/__control/)`,
  "",
  "Users:",
  ...info.users.map((u) => {
    const key = info.apiKeys[u.login];
    return `  ${u.displayName.padEnd(16)} login ${u.login.padEnd(28)} password ${u.password.padEnd(8)}${key ? ` API key ${key}` : ""}${u.roles.includes("hasTbird") ? "" : "  (no hasTbird role)"}`;
  }),
  "",
  "Address books:",
  ...info.books.map((b) => `  ${b.uid.padEnd(40)} ${b.name.padEnd(20)} ${String(b.count).padStart(6)} cards, owner ${b.owner}`),
  "",
  "Ctrl-C to stop.",
];
console.log(lines.join("\n"));

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void fake.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
