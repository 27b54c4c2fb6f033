// Background entry point (persistent MV2 page): build the real Thunderbird adapter, start the app
// and serve the options page.
import { createMessengerThunderbird } from "../thunderbird/messenger.ts";
import { pushStatus, serveExternalRequests, serveRequests } from "../thunderbird/runtime-messaging.ts";
import { BackgroundApp } from "./app.ts";
import { handleExternalRequest, handleRequest } from "./requests.ts";

const app = new BackgroundApp(createMessengerThunderbird());
serveRequests((request) => handleRequest(app, request));
// Companion extensions listed by the administrator: a summary of the status, and "sync now".
serveExternalRequests((request, senderId) => handleExternalRequest(app, request, senderId));
app.status.subscribe((status) => pushStatus({ type: "status", status }));
void app.start();
