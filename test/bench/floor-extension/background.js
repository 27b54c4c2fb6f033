/*
 * Benchmark-only extension (never shipped): the floor of what any add-on pays to store contacts,
 * measured from inside Thunderbird so that no test-side round-trip is counted. The bench sends,
 * through the probe (runtime.sendMessage to this extension's id):
 *   {type: "createContacts", bookId, vCards: [string], concurrency}
 *   {type: "setPhotos", photos: [{id, base64, mime}], concurrency}
 * and gets back {ms, done, errors} — ms from the first call to the last answer (performance.now()).
 */
"use strict";

const api = globalThis.messenger;

async function pool(items, concurrency, call) {
  let next = 0;
  const errors = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await call(item);
      } catch (error) {
        errors.push(String(error?.message ?? error));
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { ms: performance.now() - start, done: items.length - errors.length, errors: errors.slice(0, 5) };
}

function bytesOf(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

api.runtime.onMessageExternal.addListener((message) => {
  switch (message?.type) {
    case "createContacts":
      return pool(message.vCards, message.concurrency, (vCard) => api.contacts.create(message.bookId, { vCard }));
    case "setPhotos":
      return pool(message.photos, message.concurrency, (photo) =>
        api.contacts.setPhoto(photo.id, new File([bytesOf(photo.base64)], "photo", { type: photo.mime })),
      );
    default:
      return undefined;
  }
});
