// Background entry point (persistent MV2 page): build the real Thunderbird adapter, start the app
// and serve the options page.
import { createMessengerThunderbird } from "../thunderbird/messenger.ts";
import { pushStatus, serveExternalRequests, serveRequests } from "../thunderbird/runtime-messaging.ts";
import { BackgroundApp } from "./app.ts";
import { handleRequest } from "./requests.ts";

const app = new BackgroundApp(createMessengerThunderbird());
serveRequests((request) => handleRequest(app, request));
// Only getState and syncNow (runtime-messaging.ts): other extensions may watch and nudge the sync.
serveExternalRequests((request) => handleRequest(app, request));
app.status.subscribe((status) => pushStatus({ type: "status", status }));
void app.start();
